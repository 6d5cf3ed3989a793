#pragma once

// A command line as POSIX shell text that runs the same argv when pasted: words made only of
// characters the shell never interprets stay bare, anything else is put in single quotes (a
// single quote inside becomes '\'').

#include <string>
#include <vector>

namespace maplet::runner {

[[nodiscard]] std::string shell_quote(const std::vector<std::string>& argv);

}  // namespace maplet::runner
