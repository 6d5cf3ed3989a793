// glob_match against the C library's fnmatch(3) on random short patterns and names. The alphabet
// leaves out '[' and '\', whose meaning in fnmatch glob_match deliberately lacks (kernel/lib/
// glob.h); the in-kernel cmdline tests check those are literal.

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "kernel/lib/glob.h"

namespace {

std::string random_word(std::mt19937& rng, const char* alphabet, size_t alphabet_size) {
  std::uniform_int_distribution<size_t> length(0, 6);
  std::uniform_int_distribution<size_t> pick(0, alphabet_size - 1);
  std::string word(length(rng), ' ');
  for (char& c : word) c = alphabet[pick(rng)];
  return word;
}

TEST(Glob, AgreesWithFnmatchOnRandomShortStrings) {
  // Names may hold the wildcard characters too: in the name they are ordinary.
  static const char PATTERN_CHARS[] = {'a', 'b', '.', '*', '*', '?'};
  static const char NAME_CHARS[] = {'a', 'b', '.', '*', '?'};
  std::mt19937 rng(20240611);
  int matches = 0;
  for (int i = 0; i < 200000; i++) {
    const std::string pattern = random_word(rng, PATTERN_CHARS, sizeof(PATTERN_CHARS));
    const std::string name = random_word(rng, NAME_CHARS, sizeof(NAME_CHARS));
    const bool want = fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
    ASSERT_EQ(glob_match(StringView(pattern.data(), pattern.size()),
                         StringView(name.data(), name.size())),
              want)
        << "pattern \"" << pattern << "\" name \"" << name << "\"";
    matches += want;
  }
  // Both outcomes occur often, so agreement means something.
  EXPECT_GT(matches, 20000);
  EXPECT_LT(matches, 180000);
}

}  // namespace
