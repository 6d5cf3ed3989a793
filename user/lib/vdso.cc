#include "user/lib/vdso.h"

#include "kernel/lib/string.h"

namespace {

// The ELF-64 structures (System V gABI; the symbol versioning of the LSB core specification).
struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
struct Dyn {
  int64_t tag;
  uint64_t value;
};
struct Sym {
  uint32_t name;
  uint8_t info, other;
  uint16_t shndx;
  uint64_t value, size;
};
struct Verdef {
  uint16_t version, flags, ndx, cnt;
  uint32_t hash, aux, next;
};
struct Verdaux {
  uint32_t name, next;
};

constexpr uint16_t ET_DYN = 3;
constexpr uint32_t PT_LOAD = 1, PT_DYNAMIC = 2;
constexpr int64_t DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_VERSYM = 0x6ffffff0,
                  DT_VERDEF = 0x6ffffffc, DT_GNU_HASH = 0x6ffffef5;
constexpr uint8_t STT_NOTYPE = 0, STT_FUNC = 2, STB_GLOBAL = 1, STB_WEAK = 2;
constexpr uint16_t VERSYM_HIDDEN = 0x8000;

// The SysV ELF hash (gABI "Hash Table") and the GNU one (h * 33 + c from 5381).
uint32_t elf_hash(const char* name) {
  uint32_t h = 0;
  for (const unsigned char* c = reinterpret_cast<const unsigned char*>(name); *c != 0; c++) {
    h = (h << 4) + *c;
    const uint32_t g = h & 0xf0000000;
    if (g != 0) h ^= g >> 24;
    h &= ~g;
  }
  return h;
}
uint32_t gnu_hash(const char* name) {
  uint32_t h = 5381;
  for (const unsigned char* c = reinterpret_cast<const unsigned char*>(name); *c != 0; c++) {
    h = h * 33 + *c;
  }
  return h;
}

const Sym& symbol(const VdsoImage& image, uint32_t index) {
  return reinterpret_cast<const Sym*>(image.symtab)[index];
}

// Whether symbol `index` is a defined function called name, at version `version`.
bool matches(const VdsoImage& image, uint32_t index, const char* version, const char* name) {
  const Sym& s = symbol(image, index);
  const uint8_t type = s.info & 0xf, bind = s.info >> 4;
  if ((type != STT_FUNC && type != STT_NOTYPE) || (bind != STB_GLOBAL && bind != STB_WEAK)) {
    return false;
  }
  if (s.shndx == 0 || !klib::str_equal(image.strtab + s.name, name)) return false;
  if (image.versym == nullptr || image.verdef == nullptr) return true;
  const uint16_t wanted = image.versym[index] & ~VERSYM_HIDDEN;
  for (const uint8_t* at = image.verdef;;) {
    const auto* def = reinterpret_cast<const Verdef*>(at);
    if (def->ndx == wanted) {
      const auto* aux = reinterpret_cast<const Verdaux*>(at + def->aux);
      return def->hash == elf_hash(version) && klib::str_equal(image.strtab + aux->name, version);
    }
    if (def->next == 0) return false;
    at += def->next;
  }
}

}  // namespace

bool vdso_parse(uint64_t base, VdsoImage& image) {
  image = VdsoImage{};
  const auto* ehdr = reinterpret_cast<const Ehdr*>(base);
  const bool big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
  if (base == 0 || klib::mem_compare(ehdr->ident, "\177ELF", 4) != 0 || ehdr->ident[4] != 2 ||
      ehdr->ident[5] != (big ? 2 : 1) || ehdr->type != ET_DYN) {
    return false;
  }
  const auto* phdrs = reinterpret_cast<const Phdr*>(base + ehdr->phoff);
  const Dyn* dynamic = nullptr;
  bool loaded = false;
  for (uint16_t i = 0; i < ehdr->phnum; i++) {
    if (phdrs[i].type == PT_LOAD && !loaded) {
      image.load_offset = base + phdrs[i].offset - phdrs[i].vaddr;
      image.text_size = phdrs[i].memsz;
      loaded = true;
    } else if (phdrs[i].type == PT_DYNAMIC) {
      dynamic = reinterpret_cast<const Dyn*>(phdrs[i].offset);
    }
  }
  if (!loaded || dynamic == nullptr) return false;
  dynamic = reinterpret_cast<const Dyn*>(base + reinterpret_cast<uint64_t>(dynamic));
  image.base = base;
  for (const Dyn* d = dynamic; d->tag != DT_NULL; d++) {
    const uint64_t at = d->value + image.load_offset;
    switch (d->tag) {
      case DT_STRTAB:
        image.strtab = reinterpret_cast<const char*>(at);
        break;
      case DT_SYMTAB:
        image.symtab = reinterpret_cast<const uint8_t*>(at);
        break;
      case DT_HASH:
        image.hash = reinterpret_cast<const uint32_t*>(at);
        break;
      case DT_GNU_HASH:
        image.gnu_hash = reinterpret_cast<const uint32_t*>(at);
        break;
      case DT_VERSYM:
        image.versym = reinterpret_cast<const uint16_t*>(at);
        break;
      case DT_VERDEF:
        image.verdef = reinterpret_cast<const uint8_t*>(at);
        break;
      default:
        break;
    }
  }
  return image.strtab != nullptr && image.symtab != nullptr &&
         (image.hash != nullptr || image.gnu_hash != nullptr);
}

uint64_t vdso_lookup(const VdsoImage& image, VdsoTable table, const char* version,
                     const char* name) {
  auto address = [&](uint32_t index) { return symbol(image, index).value + image.load_offset; };
  if (table == VdsoTable::Hash) {
    if (image.hash == nullptr) return 0;
    // nbucket, nchain, buckets, chains: chain[i] follows symbol i's bucket list.
    const uint32_t nbucket = image.hash[0];
    const uint32_t* bucket = image.hash + 2;
    const uint32_t* chain = bucket + nbucket;
    for (uint32_t i = bucket[elf_hash(name) % nbucket]; i != 0; i = chain[i]) {
      if (matches(image, i, version, name)) return address(i);
    }
    return 0;
  }
  if (image.gnu_hash == nullptr) return 0;
  // nbuckets, symoffset, bloom words (64-bit), bloom shift, the bloom filter, buckets, then one
  // hash per symbol from symoffset on, whose low bit ends a bucket's run.
  const uint32_t nbuckets = image.gnu_hash[0], symoffset = image.gnu_hash[1];
  const uint32_t bloom_words = image.gnu_hash[2];
  const uint32_t* buckets = image.gnu_hash + 4 + 2 * bloom_words;
  const uint32_t* hashes = buckets + nbuckets;
  const uint32_t h = gnu_hash(name);
  uint32_t i = buckets[h % nbuckets];
  if (i < symoffset) return 0;
  for (;; i++) {
    const uint32_t stored = hashes[i - symoffset];
    if ((stored | 1) == (h | 1) && matches(image, i, version, name)) return address(i);
    if ((stored & 1) != 0) return 0;
  }
}
