#include "tools/runner/elf_probe.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include "tools/runner/options.h"

namespace maplet::runner {
namespace {

// System V gABI "ELF Header" and "Program Header", 64-bit layout; include/uapi/linux/elf-em.h.
constexpr size_t EHDR_SIZE = 64, PHDR_SIZE = 56;
constexpr uint8_t ELFCLASS64 = 2, ELFDATA2LSB = 1, ELFDATA2MSB = 2;
constexpr uint16_t ET_EXEC = 2, ET_DYN = 3;
constexpr uint16_t EM_X86_64 = 62, EM_AARCH64 = 183, EM_PPC64 = 21, EM_RISCV = 243;
constexpr uint32_t PT_LOAD = 1, PT_INTERP = 3;

class Reader {
 public:
  Reader(std::string_view bytes, bool big) : m_bytes(bytes), m_big(big) {}
  uint64_t get(size_t offset, size_t size) const {
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) {
      auto b = static_cast<uint8_t>(m_bytes[offset + (m_big ? i : size - 1 - i)]);
      v = v << 8 | b;
    }
    return v;
  }

 private:
  std::string_view m_bytes;
  bool m_big;
};

std::string machine_name(uint64_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_RISCV:
      return "RISC-V";
    case 3:
      return "i386";
    case 40:
      return "32-bit Arm";
    default:
      return "machine " + std::to_string(machine);
  }
}

ElfProbe refuse(std::string why) {
  ElfProbe probe;
  probe.error = std::move(why);
  return probe;
}

ElfProbe check(std::string bytes) {
  std::string_view b = bytes;
  if (b.empty()) return refuse("empty file, not an ELF executable");
  if (!b.starts_with(std::string_view("\x7f"
                                      "ELF",
                                      4))) {
    return refuse("not an ELF executable (no ELF magic)");
  }
  if (b.size() < EHDR_SIZE) {
    return refuse("truncated ELF: " + std::to_string(b.size()) +
                  " bytes, shorter than the 64-byte ELF header");
  }
  if (static_cast<uint8_t>(b[4]) != ELFCLASS64) {
    return refuse("32-bit ELF (EI_CLASS " + std::to_string(static_cast<uint8_t>(b[4])) +
                  "); Maplet runs 64-bit programs");
  }
  auto data = static_cast<uint8_t>(b[5]);
  if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
    return refuse("broken ELF header: byte order (EI_DATA) " + std::to_string(data));
  }
  bool big = data == ELFDATA2MSB;
  Reader r(b, big);
  uint64_t machine = r.get(18, 2);
  std::string arch;
  if (machine == EM_AARCH64) {
    if (big) return refuse("big-endian arm64 ELF; Maplet's arm64 runs little-endian programs");
    arch = ARCH_ARM64;
  } else if (machine == EM_PPC64) {
    arch = big ? ARCH_POWERPC : ARCH_POWERPC64LE;
  } else {
    return refuse(machine_name(machine) + " ELF; Maplet runs arm64 and powerpc64 programs");
  }
  uint64_t type = r.get(16, 2);
  if (type != ET_EXEC && type != ET_DYN) {
    return refuse("not an executable (ELF type " + std::to_string(type) + ")");
  }
  uint64_t phoff = r.get(32, 8), phentsize = r.get(54, 2), phnum = r.get(56, 2);
  if (phentsize != PHDR_SIZE || phnum == 0) {
    return refuse("broken ELF header: " + std::to_string(phnum) + " program headers of " +
                  std::to_string(phentsize) + " bytes");
  }
  if (phoff > b.size() || phnum * PHDR_SIZE > b.size() - phoff) {
    return refuse("truncated ELF: the program headers end past the file's " +
                  std::to_string(b.size()) + " bytes");
  }
  size_t loads = 0;
  for (uint64_t i = 0; i < phnum; ++i) {
    size_t at = phoff + i * PHDR_SIZE;
    uint64_t kind = r.get(at, 4), offset = r.get(at + 8, 8), filesz = r.get(at + 32, 8);
    bool inside = offset <= b.size() && filesz <= b.size() - offset;
    if (kind == PT_INTERP) {
      std::string interp = inside ? std::string(b.substr(offset, filesz)) : std::string();
      if (size_t nul = interp.find('\0'); nul != std::string::npos) interp.resize(nul);
      return refuse("dynamically linked (interpreter " + (interp.empty() ? "?" : interp) +
                    "); Maplet runs static executables only: link with -static");
    }
    if (kind != PT_LOAD) continue;
    ++loads;
    if (!inside) {
      return refuse("truncated ELF: segment " + std::to_string(i) + "'s file bytes end past the " +
                    "file's " + std::to_string(b.size()) + " bytes");
    }
  }
  if (loads == 0) return refuse("broken ELF: no loadable segment (PT_LOAD)");
  ElfProbe probe;
  probe.ok = true;
  probe.arch = arch;
  probe.bytes = std::move(bytes);
  return probe;
}

}  // namespace

ElfProbe probe_elf_executable(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    ElfProbe probe = refuse("no such file");
    probe.missing = true;
    return probe;
  }
  if (std::filesystem::is_directory(status)) return refuse("is a directory, not a program");
  if (!std::filesystem::is_regular_file(status)) return refuse("not a regular file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return refuse("cannot read it: " + ec.message());
  if (size > MAX_PROGRAM_BYTES) {
    return refuse("too big: " + std::to_string(size) + " bytes, more than the " +
                  std::to_string(MAX_PROGRAM_BYTES >> 20) + " MiB maplet-run packs");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return refuse(std::string("cannot open it: ") + std::strerror(errno));
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return refuse("cannot read it whole");
  return check(std::move(bytes));
}

}  // namespace maplet::runner
