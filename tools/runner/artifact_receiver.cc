#include "tools/runner/artifact_receiver.h"

#include <zlib.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "tools/runner/base64.h"

namespace maplet::runner {
namespace {

std::string_view next_word(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  size_t end = s.find(' ');
  std::string_view word = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return word;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool parse(std::string_view text, int base, T* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

bool valid_artifact_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

ArtifactReceiver::ArtifactReceiver(std::filesystem::path dir, Callback on_done,
                                   std::function<void(std::string_view)> on_warning)
    : m_dir(std::move(dir)), m_on_done(std::move(on_done)), m_on_warning(std::move(on_warning)) {}

ArtifactReceiver::~ArtifactReceiver() {
  if (m_file != nullptr) std::fclose(m_file);
}

// Parses "<name> <size> <crc32-hex>" after `prefix` ("~file", "~hostfile"): "" when good, else
// the failure. *name is "invalid-name" for a bad name.
static std::string parse_header(std::string_view prefix, std::string_view args, std::string* name,
                                uint64_t* size, uint32_t* crc) {
  std::string_view rest = args;
  std::string_view word = next_word(rest);
  std::string_view size_text = next_word(rest);
  std::string_view crc_text = next_word(rest);
  *name = valid_artifact_name(word) ? std::string(word) : "invalid-name";
  *size = 0;
  *crc = 0;
  const std::string line = std::string(prefix) + " " + std::string(args);
  if (!valid_artifact_name(word)) return "bad artifact name in '" + line + "'";
  if (!parse(size_text, 10, size) || !parse(crc_text, 16, crc) || !trim(rest).empty() ||
      crc_text.size() > 8) {
    return "malformed header '" + line + "' (want: " + std::string(prefix) + " NAME SIZE CRC32HEX)";
  }
  if (*size > ArtifactReceiver::MAX_SIZE) {
    return "declared size " + std::to_string(*size) + " exceeds the limit of " +
           std::to_string(ArtifactReceiver::MAX_SIZE) + " bytes";
  }
  return "";
}

void ArtifactReceiver::begin(std::string_view args) {
  if (m_open) {
    fail_open(m_ram ? "cut off: a ~file frame started before ~hostfile " + m_name
                    : "cut off: a new ~file frame started before ~end " + m_name);
  }
  m_open = true;
  m_ram = false;
  m_received = 0;
  m_crc = 0;
  m_data_lines = 0;
  m_error = parse_header("~file", args, &m_name, &m_declared_size, &m_declared_crc);
  if (!m_error.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  std::filesystem::path part = m_dir / (m_name + ".part");
  m_file = std::fopen(part.c_str(), "wb");
  if (m_file == nullptr) m_error = "cannot create " + part.string() + ": " + std::strerror(errno);
}

void ArtifactReceiver::data(std::string_view base64, bool cut) {
  if (!m_open) {
    m_on_warning("~data line outside a ~file frame ignored");
    return;
  }
  if (m_ram) {
    fail_open("cut off: a ~data line inside the ~hostram transfer of " + m_name);
    return;
  }
  ++m_data_lines;
  if (!m_error.empty()) return;
  if (cut) {
    m_error = "~data line " + std::to_string(m_data_lines) + " was too long and got cut";
    return;
  }
  auto bytes = base64_decode(trim(base64));
  if (!bytes) {
    m_error = "~data line " + std::to_string(m_data_lines) + " is not valid base64";
    return;
  }
  if (m_received + bytes->size() > m_declared_size) {
    m_error = "more data than the declared " + std::to_string(m_declared_size) + " bytes";
    return;
  }
  m_received += bytes->size();
  // zlib takes at most UInt bytes at a time; a ~data line is far shorter than that.
  m_crc = static_cast<uint32_t>(::crc32(m_crc, reinterpret_cast<const Bytef*>(bytes->data()),
                                        static_cast<uInt>(bytes->size())));
  if (std::fwrite(bytes->data(), 1, bytes->size(), m_file) != bytes->size()) {
    m_error = "write to " + (m_dir / (m_name + ".part")).string() + " failed";
  }
}

void ArtifactReceiver::end(std::string_view name) {
  name = trim(name);
  if (!m_open) {
    m_on_warning("~end " + std::string(name) + " outside a ~file frame ignored");
    return;
  }
  if (m_ram) {
    fail_open("cut off: ~end " + std::string(name) + " inside the ~hostram transfer of " + m_name);
    return;
  }
  if (m_error.empty() && name != m_name) {
    m_error = "frame for '" + m_name + "' closed by '~end " + std::string(name) + "'";
  }
  if (m_error.empty() && m_received != m_declared_size) {
    m_error = "size mismatch: received " + std::to_string(m_received) + " bytes, declared " +
              std::to_string(m_declared_size);
  }
  if (m_error.empty() && m_crc != m_declared_crc) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "CRC-32 mismatch: received %08x, declared %08x", m_crc,
                  m_declared_crc);
    m_error = buf;
  }
  close_file();
  ArtifactOutcome outcome{.name = m_name,
                          .ok = m_error.empty(),
                          .message = m_error,
                          .path = m_dir / (m_name + ".part"),
                          .size = m_received};
  if (outcome.ok) {
    std::error_code ec;
    std::filesystem::path final_path = m_dir / m_name;
    std::filesystem::rename(outcome.path, final_path, ec);
    if (ec) {
      outcome.ok = false;
      outcome.message = "cannot rename to " + final_path.string() + ": " + ec.message();
    } else {
      outcome.path = final_path;
    }
  }
  m_open = false;
  m_on_done(outcome);
}

void ArtifactReceiver::host_file(std::string_view args) {
  std::string_view rest = args;
  if (m_open && m_ram && next_word(rest) == m_name) {
    // The end of the RAM transfer of this very file: what landed is checked below.
    close_file();
    m_ram = false;
    if (!m_error.empty()) {
      fail_open(m_error);
      return;
    }
  } else if (m_open) {
    fail_open("cut off: ~hostfile before ~end " + m_name);
  }
  m_open = true;
  m_received = 0;
  m_crc = 0;
  m_error = parse_header("~hostfile", args, &m_name, &m_declared_size, &m_declared_crc);
  if (m_error.empty()) {
    const std::filesystem::path part = m_dir / (m_name + ".part");
    m_file = std::fopen(part.c_str(), "rb");
    if (m_file == nullptr) {
      m_error = "the kernel's file " + part.string() + " cannot be read: " + std::strerror(errno);
    } else {
      std::vector<unsigned char> buffer(1 << 20);
      size_t n;
      while ((n = std::fread(buffer.data(), 1, buffer.size(), m_file)) > 0) {
        m_received += n;
        m_crc = static_cast<uint32_t>(::crc32(m_crc, buffer.data(), static_cast<uInt>(n)));
      }
    }
  }
  // The checks, the rename and the outcome are those of a console frame's end.
  end(m_name);
}

std::string ArtifactReceiver::append_extent(std::string_view args, std::string* name,
                                            std::optional<uint64_t>* answer_address) {
  std::string_view rest = args;
  const std::string_view path = next_word(rest);
  const std::string_view offset_text = next_word(rest);
  const std::string_view length_text = next_word(rest);
  const std::string_view address_text = next_word(rest);
  uint64_t answer = 0;
  if (parse(next_word(rest), 16, &answer)) *answer_address = answer;
  const std::string file = std::filesystem::path(std::string(path)).filename().string();
  *name = file.ends_with(".part") ? file.substr(0, file.size() - 5) : "";
  const std::string line = "~hostram " + std::string(args);
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t address = 0;
  if (!parse(offset_text, 10, &offset) || !parse(length_text, 10, &length) ||
      !parse(address_text, 16, &address) || !answer_address->has_value() || !trim(rest).empty()) {
    return "malformed line '" + line + "' (want: ~hostram PATH OFFSET LENGTH ADDRESSHEX ANSWERHEX)";
  }
  if (!valid_artifact_name(*name)) {
    *name = "invalid-name";
    return "bad file name in '" + line + "' (want: DIR/NAME.part)";
  }
  if (m_guest_ram == nullptr) return "no guest RAM file to read '" + line + "' from";
  if (offset == 0) {
    if (m_open) fail_open("cut off: ~hostram " + *name + " before the end of " + m_name);
    m_open = true;
    m_ram = true;
    m_name = *name;
    m_received = 0;
    m_crc = 0;
    m_declared_size = 0;
    m_error.clear();
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    const std::filesystem::path part = m_dir / (m_name + ".part");
    m_file = std::fopen(part.c_str(), "wb");
    if (m_file == nullptr) return "cannot create " + part.string() + ": " + std::strerror(errno);
  } else if (!m_open || !m_ram || m_name != *name) {
    return "missing extent: '" + line + "' continues a transfer of " + *name +
           " that never began at offset 0";
  } else if (offset != m_received) {
    return "missing extent: " + *name + " continues at offset " + std::to_string(offset) +
           " after " + std::to_string(m_received) + " bytes";
  }
  if (length > MAX_SIZE - offset) {
    return "~hostram " + *name + " grows past the limit of " + std::to_string(MAX_SIZE) + " bytes";
  }
  std::string problem = m_guest_ram->copy_to(address, length, m_file);
  if (!problem.empty()) return problem;
  m_received += length;
  return m_guest_ram->store_be64(**answer_address, m_received);
}

void ArtifactReceiver::host_ram(std::string_view args) {
  std::string name;
  std::optional<uint64_t> answer_address;
  std::string problem = append_extent(args, &name, &answer_address);
  if (problem.empty()) return;
  // Best effort: the kernel learns it may not count on this file; the failure is reported anyway.
  if (m_guest_ram != nullptr && answer_address) {
    (void)m_guest_ram->store_be64(*answer_address, REFUSED);
  }
  if (m_open && m_ram && m_name == name) {
    fail_open(problem);
    return;
  }
  m_on_done(ArtifactOutcome{.name = name,
                            .ok = false,
                            .message = std::move(problem),
                            .path = m_dir / (name + ".part"),
                            .size = 0});
}

void ArtifactReceiver::finish() {
  if (m_open && m_ram) {
    fail_open("truncated: the console ended after " + std::to_string(m_received) +
              " bytes of the ~hostram transfer, without ~hostfile " + m_name);
  } else if (m_open) {
    fail_open("truncated: the console ended after " + std::to_string(m_received) + " of " +
              std::to_string(m_declared_size) + " bytes, without ~end " + m_name);
  }
}

void ArtifactReceiver::fail_open(std::string message) {
  close_file();
  ArtifactOutcome outcome{.name = m_name,
                          .ok = false,
                          .message = m_error.empty() ? std::move(message) : m_error,
                          .path = m_dir / (m_name + ".part"),
                          .size = m_received};
  m_open = false;
  m_ram = false;
  m_on_done(outcome);
}

void ArtifactReceiver::close_file() {
  if (m_file != nullptr) {
    if (std::fclose(m_file) != 0 && m_error.empty()) m_error = "closing the file failed";
    m_file = nullptr;
  }
}

}  // namespace maplet::runner
