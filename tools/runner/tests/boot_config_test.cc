// The boot configuration table: its format, its errors (file:line), the checked-in table, and
// which configurations --config and --arch select.

#include "tools/runner/boot_config.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace maplet::runner {
namespace {

constexpr const char* TWO = R"(# comment
[a]
arch = arm64
machine = virt,mte=on
cpu = max
memory = 768M
qemu_args = -smp   2  -d int
append = maplet.x=1 maplet.y=2
filter = vma_tree.*
timeout = 2.5

  [b-1.x_y]
arch=powerpc
machine=pseries
memory=2G
)";

TEST(BootConfig, ParsesEveryKey) {
  BootConfigTable t = parse_boot_configs(TWO, "t.cfg");
  ASSERT_EQ(t.error, "");
  ASSERT_EQ(t.configs.size(), 2u);
  const BootConfig& a = t.configs[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.arch, "arm64");
  EXPECT_EQ(a.machine, "virt,mte=on");
  EXPECT_EQ(a.cpu, "max");
  EXPECT_EQ(a.memory, "768M");
  EXPECT_EQ(a.qemu_args, (std::vector<std::string>{"-smp", "2", "-d", "int"}));
  EXPECT_EQ(a.append, "maplet.x=1 maplet.y=2");
  EXPECT_EQ(a.filter, "vma_tree.*");
  EXPECT_EQ(a.timeout_seconds, 2.5);
  const BootConfig& b = t.configs[1];
  EXPECT_EQ(b.name, "b-1.x_y");
  EXPECT_EQ(b.arch, "powerpc");
  EXPECT_EQ(b.cpu, "");
  EXPECT_EQ(b.memory, "2G");
  EXPECT_TRUE(b.qemu_args.empty());
  EXPECT_EQ(b.filter, "*");
  EXPECT_EQ(b.timeout_seconds, 60);
}

TEST(BootConfig, ErrorsNameFileAndLine) {
  const std::string head = "[a]\narch = arm64\nmachine = virt\nmemory = 256M\n";
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"arch = arm64\n", "t.cfg:1: KEY = VALUE before the first [NAME]"},
      {"[a b]\n", "t.cfg:1: a section header is [NAME]"},
      {"[]\n", "t.cfg:1: a section header is [NAME]"},
      {"[a\n", "t.cfg:1: a section header is [NAME]"},
      {head + "cpus = max\n", "t.cfg:5: unknown key 'cpus'"},
      {head + "memory = 512M\n", "t.cfg:5: 'memory' given twice for [a]"},
      {head + "just words\n", "t.cfg:5: expected KEY = VALUE or [NAME]"},
      {head + "timeout = 0\n", "t.cfg:5: timeout needs a number of seconds greater than 0"},
      {head + "timeout = 5s\n", "t.cfg:5: timeout needs"},
      {head + "filter = a b\n", "t.cfg:5: filter needs one glob"},
      {head + "cpu =\n", "t.cfg:5: cpu needs one word"},
      {"[a]\narch = x86\n", "t.cfg:2: arch must be arm64, powerpc or powerpc64le, not 'x86'"},
      {"[a]\narch = arm64\nmemory = 256\n", "t.cfg:3: memory needs a size in MiB or GiB"},
      {"\n\n[a]\narch = arm64\nmachine = virt\n[b]\n", "t.cfg:3: [a] has no memory"},
      {head + "[b]\narch = arm64\n", "t.cfg:5: [b] has no machine"},
      {head + "\n[a]\n", "t.cfg:6: configuration [a] defined twice"},
      {"# nothing\n", "t.cfg: no configurations"},
  };
  for (const auto& c : cases) {
    BootConfigTable t = parse_boot_configs(c.text, "t.cfg");
    EXPECT_TRUE(t.configs.empty()) << c.text;
    EXPECT_EQ(t.error.rfind(c.error, 0), 0u) << "text:\n" << c.text << "error: " << t.error;
  }
}

TEST(BootConfig, MissingFileSaysWhatToDo) {
  BootConfigTable t = load_boot_configs("/nonexistent/boot.cfg");
  EXPECT_NE(t.error.find("cannot read the boot configuration table /nonexistent/boot.cfg"),
            std::string::npos)
      << t.error;
}

// The checked-in table (tests run from the repository root): it parses, has each arch's
// default, and holds the configurations the project promises.
TEST(BootConfig, TheCheckedInTable) {
  BootConfigTable t = load_boot_configs(DEFAULT_CONFIG_FILE);
  ASSERT_EQ(t.error, "");
  auto find = [&](const std::string& name) -> const BootConfig* {
    for (const auto& c : t.configs) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  for (const char* name : {"arm64", "arm64-nomte", "arm64-1280M", "powerpc", "powerpc-power10",
                           "powerpc-1280M", "powerpc64le", "powerpc64le-power10"}) {
    EXPECT_NE(find(name), nullptr) << name;
  }
  ASSERT_NE(find("arm64"), nullptr);
  EXPECT_EQ(find("arm64")->machine, "virt,mte=on");
  EXPECT_EQ(find("arm64")->arch, "arm64");
  ASSERT_NE(find("powerpc"), nullptr);
  EXPECT_EQ(find("powerpc")->cpu, "power9");
  ASSERT_NE(find("powerpc64le"), nullptr);
  EXPECT_EQ(find("powerpc64le")->arch, "powerpc64le");
  ASSERT_NE(find("arm64-nomte"), nullptr);
  EXPECT_EQ(find("arm64-nomte")->machine.find("mte=on"), std::string::npos);
}

std::vector<std::string> selected(const BootConfigTable& table,
                                  std::initializer_list<const char*> configs,
                                  std::vector<std::string> arches = {"arm64", "powerpc"},
                                  std::string* error = nullptr) {
  Options o;
  o.arches = std::move(arches);
  for (const char* c : configs) o.configs.emplace_back(c);
  BootSelection s = select_boot_configs(table, o);
  if (error != nullptr) *error = s.error;
  std::vector<std::string> names;
  for (const BootConfig* c : s.configs) names.push_back(c->name);
  return names;
}

using Names = std::vector<std::string>;

TEST(BootConfig, Selection) {
  BootConfigTable t = parse_boot_configs(
      "[arm64]\narch=arm64\nmachine=virt\nmemory=256M\n"
      "[powerpc]\narch=powerpc\nmachine=pseries\nmemory=256M\n"
      "[arm64-big]\narch=arm64\nmachine=virt\nmemory=2G\n",
      "t.cfg");
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(selected(t, {}), (Names{"arm64", "powerpc"}));
  EXPECT_EQ(selected(t, {}, {"powerpc"}), (Names{"powerpc"}));
  EXPECT_EQ(selected(t, {"all"}), (Names{"arm64", "powerpc", "arm64-big"}));
  EXPECT_EQ(selected(t, {"all"}, {"arm64"}), (Names{"arm64", "arm64-big"}));
  EXPECT_EQ(selected(t, {"arm64-big", "arm64", "arm64-big"}), (Names{"arm64-big", "arm64"}));
  std::string error;
  EXPECT_EQ(selected(t, {"nope"}, {"arm64", "powerpc"}, &error), Names{});
  EXPECT_EQ(error, "unknown configuration 'nope' (known: arm64, powerpc, arm64-big, all)");
  EXPECT_EQ(selected(t, {"arm64-big"}, {"powerpc"}, &error), Names{});
  EXPECT_EQ(error, "no configuration of the selected arches among --config");
  BootConfigTable no_default =
      parse_boot_configs("[arm64-big]\narch=arm64\nmachine=virt\nmemory=2G\n", "t.cfg");
  EXPECT_EQ(selected(no_default, {}, {"arm64"}, &error), Names{});
  EXPECT_EQ(error, "the table has no default configuration [arm64] for arch arm64");
}

}  // namespace
}  // namespace maplet::runner
