// Shell-style name matching for test selection: '*' matches any run of characters (including
// none), '?' any one character; everything else matches itself.
#pragma once

#include "kernel/lib/string_view.h"

bool glob_match(StringView pattern, StringView text);
