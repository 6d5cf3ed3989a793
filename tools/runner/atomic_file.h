#pragma once

// Result files written whole or not at all: the text goes to a temporary file in the target's
// directory, which is then renamed over the target (rename(2) is atomic within a file system),
// so a reader, or a run that is killed, sees either the old file or the complete new one.

#include <functional>
#include <ostream>
#include <string>

namespace maplet::runner {

// Creates the parent directories of `path` if needed and checks that a file can be created
// there (by creating and removing a temporary one). Returns "" when it can, else the reason,
// with the system's error text ("cannot create /x/y: Permission denied").
[[nodiscard]] std::string prepare_output_file(const std::string& path);

// Writes what `write` produces to `path` atomically. The new file has the mode a file created
// by open(2) with mode 0666 gets (0666 less the process's umask), whatever `path` had. On failure
// `path` is unchanged, no temporary file is left, and the reason (with the system's error text) is
// returned; "" on success.
[[nodiscard]] std::string write_file_atomically(const std::string& path,
                                                const std::function<void(std::ostream&)>& write);

}  // namespace maplet::runner
