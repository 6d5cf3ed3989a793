#pragma once

// Receives the binary files (core dumps) the kernel sends over the console:
//
//   ~file <name> <size> <crc32-hex>
//   ~data <base64>            (any number of lines, each decodable on its own)
//   ~end <name>
//
// Each file is written to `<dir>/<name>.part` while it arrives and renamed to `<dir>/<name>` once
// its size and CRC-32 (zlib's) check out. Anything else (bad name, bad header, undecodable data,
// wrong size or checksum, a frame cut off by a new ~file or by the end of the stream) is a
// failed artifact; its partial data stays in the ".part" file for inspection.
//
//   ~hostfile <name> <size> <crc32-hex>
//
// says the kernel wrote `<dir>/<name>.part` itself (arm64 semihosting), or had the runner write it
// (powerpc, below): the same checks of its size and CRC-32, and the same rename, or a failed
// artifact.
//
//   ~hostram <path> <offset> <length> <address-hex> <answer-address-hex>
//
// (powerpc, arch/powerpc/host_file.cc) asks the runner to append the guest RAM bytes
// [address, address + length) to `<dir>/<file name of path>`, which must be `<name>.part`; the
// extent at offset 0 creates the file and each next one must start where the last ended. The
// runner then stores the file's new length big-endian at the answer address in guest RAM, which
// lets the kernel reuse those bytes. A bad line, a missing extent (an offset other than the
// file's length), a range outside guest RAM or a failed write is a failed artifact at once, and
// the answer is REFUSED instead; a transfer cut off by another frame or by the end of the
// console is a failed artifact too. The ~hostfile line of the same name ends the transfer.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tools/runner/guest_ram.h"

namespace maplet::runner {

struct ArtifactOutcome {
  std::string name;
  bool ok = false;
  std::string message;  // Why it failed, or "" when ok.
  std::filesystem::path path;
  uint64_t size = 0;  // Bytes received.
};

class ArtifactReceiver {
 public:
  static constexpr uint64_t MAX_SIZE = uint64_t{1} << 30;
  // The answer to a ~hostram extent the runner did not append.
  static constexpr uint64_t REFUSED = ~uint64_t{0};

  using Callback = std::function<void(const ArtifactOutcome&)>;
  // `on_done` is called once per frame, good or bad; `on_warning` for stray ~data/~end lines.
  ArtifactReceiver(std::filesystem::path dir, Callback on_done,
                   std::function<void(std::string_view)> on_warning);
  ~ArtifactReceiver();
  ArtifactReceiver(const ArtifactReceiver&) = delete;
  ArtifactReceiver& operator=(const ArtifactReceiver&) = delete;

  void begin(std::string_view args);  // Text after "~file ".
  // Text after "~data "; `cut` when the console line was longer than the demux keeps.
  void data(std::string_view base64, bool cut);
  void end(std::string_view name);        // Text after "~end ".
  void host_file(std::string_view args);  // Text after "~hostfile ".
  void host_ram(std::string_view args);   // Text after "~hostram ".
  // The RAM of the guest that ~hostram lines refer to (not owned; null: they fail).
  void set_guest_ram(const GuestRam* ram) { m_guest_ram = ram; }
  // The console ended; a frame still open was truncated.
  void finish();

 private:
  void fail_open(std::string message);
  void close_file();
  // Appends the ~hostram extent: "" when done, else the failure. Sets the file's artifact name
  // and, when the line gives one, the answer address.
  std::string append_extent(std::string_view args, std::string* name,
                            std::optional<uint64_t>* answer_address);

  std::filesystem::path m_dir;
  Callback m_on_done;
  std::function<void(std::string_view)> m_on_warning;

  const GuestRam* m_guest_ram = nullptr;
  bool m_open = false;
  bool m_ram = false;  // The open frame is a ~hostram transfer.
  std::string m_name;
  std::string m_error;  // First problem seen in the open frame.
  uint64_t m_declared_size = 0;
  uint32_t m_declared_crc = 0;
  uint64_t m_received = 0;
  uint32_t m_crc = 0;
  int m_data_lines = 0;
  FILE* m_file = nullptr;
};

// True for names made of [A-Za-z0-9._-], 1..128 characters, not starting with '.'.
[[nodiscard]] bool valid_artifact_name(std::string_view name);

}  // namespace maplet::runner
