// oracle-compare: compares one program's observation file from Linux with the one from Maplet.
//   oracle-compare NORMALISE_LIST LINUX.obs MAPLET.obs
// Prints both sides of every difference and "<n> lines compared, <d> differences". Exit status:
// 0 when they agree, 1 when they differ, 2 when a file cannot be read or the list is malformed.
#include <fstream>
#include <iostream>
#include <sstream>

#include "oracle/compare/observation_diff.h"

namespace {

bool read_file(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: oracle-compare NORMALISE_LIST LINUX.obs MAPLET.obs\n";
    return 2;
  }
  std::string texts[3];
  for (int i = 0; i < 3; i++) {
    if (!read_file(argv[i + 1], &texts[i])) {
      std::cerr << "oracle-compare: cannot read " << argv[i + 1] << "\n";
      return 2;
    }
  }
  std::string error;
  auto rules = maplet::oracle::parse_normalise(texts[0], &error);
  if (!rules) {
    std::cerr << "oracle-compare: " << argv[1] << ": " << error << "\n";
    return 2;
  }
  maplet::oracle::DiffResult result = maplet::oracle::diff_observations(texts[1], texts[2], *rules);
  std::cout << maplet::oracle::format_diffs(result) << result.compared << " lines compared, "
            << result.diffs.size() << " differences\n";
  return result.diffs.empty() ? 0 : 1;
}
