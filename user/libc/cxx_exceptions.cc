// C++ with libstdc++ linked statically: constructors of static objects run before main, an
// exception thrown through several frames is caught by type, and destructors run during the
// unwinding and at exit.
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int g_constructed = 0;
std::vector<std::string> g_log;

struct Registered {
  explicit Registered(const char* name) {
    ++g_constructed;
    g_log.emplace_back(name);
  }
};
Registered g_first("first");
Registered g_second("second");

struct Guard {
  int* counter;
  ~Guard() { ++*counter; }
};

[[noreturn]] void deep(int level, int* unwound) {
  Guard guard{unwound};
  if (level == 0) throw std::runtime_error("thrown " + std::to_string(3) + " frames down");
  deep(level - 1, unwound);
}

}  // namespace

int main() {
  std::printf("cxx.constructed %d\n", g_constructed);
  std::printf("cxx.order %s,%s\n", g_log[0].c_str(), g_log[1].c_str());
  int unwound = 0;
  try {
    deep(2, &unwound);
  } catch (const std::logic_error&) {
    std::printf("cxx.caught wrong type\n");
  } catch (const std::runtime_error& e) {
    std::printf("cxx.caught %s\n", e.what());
  }
  std::printf("cxx.destructors_during_unwind %d\n", unwound);
  std::map<std::string, int> counts;
  for (const char* word : {"b", "a", "b", "c", "b"}) ++counts[word];
  std::string joined;
  for (const auto& [word, n] : counts) joined += word + std::string("=") + std::to_string(n) + " ";
  std::printf("cxx.map %s\n", joined.c_str());
  return 0;
}
