// Shell-style name matching for test selection: '*' matches any run of characters (including
// none), '?' any one character; everything else matches itself. On patterns without '[' and '\'
// it agrees with fnmatch(3) with no flags; unlike fnmatch, there are no bracket expressions and
// no backslash escapes ('[' and '\' match themselves).
#pragma once

#include "kernel/lib/string_view.h"

bool glob_match(StringView pattern, StringView text);
