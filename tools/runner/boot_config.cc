#include "tools/runner/boot_config.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace maplet::runner {
namespace {

constexpr std::string_view SPACES = " \t\r";

std::string_view trim(std::string_view s) {
  size_t start = s.find_first_not_of(SPACES);
  if (start == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(SPACES);
  return s.substr(start, end - start + 1);
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  while (!(s = trim(s)).empty()) {
    size_t end = s.find_first_of(SPACES);
    words.emplace_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return words;
}

// A configuration being read, with what is needed to check it when its section ends.
struct Pending {
  BootConfig config;
  int line = 0;  // Of its [name] header.
  std::vector<std::string> keys;
};

// Sets `key` in `p`; returns "" or the reason the line is wrong.
std::string set_key(Pending& p, std::string_view key, std::string_view value) {
  BootConfig& c = p.config;
  if (std::find(p.keys.begin(), p.keys.end(), key) != p.keys.end()) {
    return "'" + std::string(key) + "' given twice for [" + c.name + "]";
  }
  p.keys.emplace_back(key);
  bool one_word = value.find_first_of(SPACES) == std::string_view::npos;
  if (key == "arch") {
    if (value != ARCH_ARM64 && value != ARCH_POWERPC && value != ARCH_POWERPC64LE) {
      return "arch must be arm64, powerpc or powerpc64le, not '" + std::string(value) + "'";
    }
    c.arch = value;
  } else if (key == "machine" || key == "cpu") {
    if (value.empty() || !one_word) return std::string(key) + " needs one word, such as virt";
    (key == "machine" ? c.machine : c.cpu) = value;
  } else if (key == "memory") {
    if (!valid_memory_size(value)) {
      return "memory needs a size in MiB or GiB, such as 768M or 2G, not '" + std::string(value) +
             "'";
    }
    c.memory = value;
  } else if (key == "qemu_args") {
    c.qemu_args = split_words(value);
  } else if (key == "append") {
    c.append = value;
  } else if (key == "filter") {
    if (value.empty() || !one_word) return "filter needs one glob without whitespace";
    c.filter = value;
  } else if (key == "timeout") {
    std::string copy(value);
    char* end = nullptr;
    double seconds = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(seconds) ||
        seconds <= 0 || seconds > 86400) {
      return "timeout needs a number of seconds greater than 0, not '" + copy + "'";
    }
    c.timeout_seconds = seconds;
  } else {
    return "unknown key '" + std::string(key) +
           "' (known: arch, machine, cpu, memory, qemu_args, append, filter, timeout)";
  }
  return "";
}

}  // namespace

BootConfigTable parse_boot_configs(std::string_view text, const std::string& file) {
  BootConfigTable table;
  std::optional<Pending> pending;
  auto fail = [&](int line, const std::string& reason) {
    table.configs.clear();
    table.error = file + ":" + std::to_string(line) + ": " + reason;
    return table;
  };
  // Checks the section that just ended; returns "" or the reason.
  auto close = [&]() -> std::string {
    if (!pending) return "";
    for (const char* key : {"arch", "machine", "memory"}) {
      if (std::find(pending->keys.begin(), pending->keys.end(), key) == pending->keys.end()) {
        return "[" + pending->config.name + "] has no " + key;
      }
    }
    table.configs.push_back(std::move(pending->config));
    pending.reset();
    return "";
  };

  int number = 0;
  while (!text.empty()) {
    ++number;
    size_t newline = text.find('\n');
    std::string_view line = trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.starts_with("#")) continue;
    if (line.starts_with("[")) {
      int header_line = pending ? pending->line : 0;
      if (std::string why = close(); !why.empty()) return fail(header_line, why);
      if (!line.ends_with("]") || !valid_name(line.substr(1, line.size() - 2))) {
        return fail(number, "a section header is [NAME], NAME of letters, digits, '.', '_', '-'");
      }
      std::string name(line.substr(1, line.size() - 2));
      for (const auto& c : table.configs) {
        if (c.name == name) return fail(number, "configuration [" + name + "] defined twice");
      }
      pending = Pending{};
      pending->config.name = std::move(name);
      pending->line = number;
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail(number, "expected KEY = VALUE or [NAME]");
    if (!pending) return fail(number, "KEY = VALUE before the first [NAME]");
    std::string why = set_key(*pending, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    if (!why.empty()) return fail(number, why);
  }
  int header_line = pending ? pending->line : 0;
  if (std::string why = close(); !why.empty()) return fail(header_line, why);
  if (table.configs.empty()) table.error = file + ": no configurations";
  return table;
}

BootConfigTable load_boot_configs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    BootConfigTable table;
    table.error = "cannot read the boot configuration table " + path +
                  " (run from the repository root, or pass --config-file FILE)";
    return table;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_boot_configs(text.str(), path);
}

BootSelection select_boot_configs(const BootConfigTable& table, const Options& options) {
  BootSelection selection;
  auto add = [&](const BootConfig& c) {
    bool arch_wanted =
        std::find(options.arches.begin(), options.arches.end(), c.arch) != options.arches.end();
    bool known = std::find(selection.configs.begin(), selection.configs.end(), &c) !=
                 selection.configs.end();
    if (arch_wanted && !known) selection.configs.push_back(&c);
  };
  auto find = [&](std::string_view name) -> const BootConfig* {
    for (const auto& c : table.configs) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  if (options.configs.empty()) {
    for (const auto& arch : options.arches) {
      const BootConfig* c = find(arch);
      if (c == nullptr || c->arch != arch) {
        selection.error = "the table has no default configuration [" + arch + "] for arch " + arch;
        return selection;
      }
      add(*c);
    }
    return selection;
  }
  for (const auto& name : options.configs) {
    if (name == "all") {
      for (const auto& c : table.configs) add(c);
      continue;
    }
    const BootConfig* c = find(name);
    if (c == nullptr) {
      std::string known;
      for (const auto& k : table.configs) known += (known.empty() ? "" : ", ") + k.name;
      selection.error = "unknown configuration '" + name + "' (known: " + known + ", all)";
      return selection;
    }
    add(*c);
  }
  if (selection.configs.empty()) {
    selection.error = "no configuration of the selected arches among --config";
  }
  return selection;
}

}  // namespace maplet::runner
