// The --exec initramfs writer, read back by GNU cpio (an independent reader of the format).
#include "tools/runner/newc_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

TEST(NewcWriter, GnuCpioExtractsWhatWasWritten) {
  auto dir = test_support::scratch_dir("newc");
  NewcWriter writer;
  writer.add_directory("bin");
  std::string program(5001, '\0');
  for (size_t i = 0; i < program.size(); ++i) program[i] = static_cast<char>(i * 31);
  writer.add_file("bin/program", 0755, program);
  writer.add_directory("exec");
  writer.add_file("exec/argv", 0644, std::string("a\0bc\0", 5));
  writer.add_file("exec/empty", 0600, "");
  std::string archive = writer.finish();
  EXPECT_EQ(archive.size() % 4, 0u);
  EXPECT_EQ(archive.substr(0, 6), "070701");
  test_support::write_file(dir / "a.cpio", archive);
  std::string command =
      "cd '" + dir.string() + "' && mkdir x && cd x && cpio --quiet -idm < ../a.cpio";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(test_support::read_file(dir / "x/bin/program"), program);
  EXPECT_EQ(test_support::read_file(dir / "x/exec/argv"), std::string("a\0bc\0", 5));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "x/exec/empty"));
  auto perms = std::filesystem::status(dir / "x/bin/program").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, static_cast<std::filesystem::perms>(0755));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace maplet::runner
