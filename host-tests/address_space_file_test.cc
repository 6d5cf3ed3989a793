// File-backed VMAs with real bytes: a fault on a file mapping maps a fresh page filled from the
// file at the VMA's offset, the tail past the end of the file zero, SIGBUS past its last page;
// writes stay in the process's copy; /proc/PID/maps shows the file's path, offset, device and
// inode.

#include <cstring>

#include "host-tests/fake_mmu.h"

namespace {

constexpr uint64_t A = 0x40000000;
constexpr int PRIVATE_FIXED = MAP_PRIVATE | MAP_FIXED;

class AddressSpaceFile : public AddressSpaceTest {
 protected:
  AddressSpaceFile() : data(3 * P + 100) {
    for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<uint8_t>(i * 7 + i / P);
    file = VmFile{"/bin/prog", data.size(), 0, 1, 4242, data.data()};
  }
  const unsigned char* bytes_at(uint64_t va) {
    return reinterpret_cast<const unsigned char*>(mmu.pages.at(va).pa);
  }

  std::vector<uint8_t> data;
  VmFile file;
};

TEST_F(AddressSpaceFile, PagesHoldTheFileBytesAtTheOffset) {
  ASSERT_TRUE(space->mmap(A, 3 * P, PROT_READ, PRIVATE_FIXED, &file, P).is_ok());
  touch(A, FaultAccess::Read);
  EXPECT_EQ(std::memcmp(bytes_at(A), data.data() + P, P), 0);
  EXPECT_EQ(mmu.pages.at(A).flags, VM_READ);
  // The last page of the file: 100 bytes of it, zeros after.
  touch(A + 2 * P + 9, FaultAccess::Read);
  const unsigned char* last = bytes_at(A + 2 * P);
  EXPECT_EQ(std::memcmp(last, data.data() + 3 * P, 100), 0);
  for (uint64_t i = 100; i < P; i++) ASSERT_EQ(last[i], 0u) << i;
  EXPECT_EQ(pages.live.size(), 2u);
}

TEST_F(AddressSpaceFile, SigbusPastTheLastPageOfTheFile) {
  ASSERT_TRUE(space->mmap(A, 6 * P, PROT_READ, PRIVATE_FIXED, &file, 0).is_ok());
  touch(A + 3 * P, FaultAccess::Read);
  const FaultVerdict v = fault(A + 4 * P, FaultAccess::Read);
  EXPECT_EQ(v.signal, FaultSignal::Bus);
  EXPECT_EQ(v.code, FaultCode::BusAdrErr);
  EXPECT_FALSE(mmu.pages.count(A + 4 * P));
}

TEST_F(AddressSpaceFile, WritesStayInTheProcesssCopy) {
  ASSERT_TRUE(space->mmap(A, P, RW, PRIVATE_FIXED, &file, 0).is_ok());
  ASSERT_TRUE(space->mmap(A + 4 * P, P, PROT_READ, PRIVATE_FIXED, &file, 0).is_ok());
  touch(A, FaultAccess::Write);
  EXPECT_EQ(std::memcmp(bytes_at(A), data.data(), P), 0);
  const_cast<unsigned char*>(bytes_at(A))[0] ^= 0xff;
  // The file and a second mapping of it still hold the original bytes.
  touch(A + 4 * P, FaultAccess::Read);
  EXPECT_EQ(std::memcmp(bytes_at(A + 4 * P), data.data(), P), 0);
  EXPECT_NE(mmu.pages.at(A).pa, mmu.pages.at(A + 4 * P).pa);
  EXPECT_EQ(data[0], 0u);
  // mprotect to writable: the page is already the process's own.
  ASSERT_TRUE(space->mprotect(A + 4 * P, P, RW).is_ok());
  EXPECT_EQ(mmu.pages.at(A + 4 * P).flags, VM_READ | VM_WRITE);
}

TEST_F(AddressSpaceFile, AFileWithoutBytesReadsAsZeros) {
  const VmFile empty{"/dev/thing", 2 * P, 0, 5, 7};
  ASSERT_TRUE(space->mmap(A, P, PROT_READ, PRIVATE_FIXED, &empty, P).is_ok());
  touch(A, FaultAccess::Read);
  for (uint64_t i = 0; i < P; i++) ASSERT_EQ(bytes_at(A)[i], 0u);
}

TEST_F(AddressSpaceFile, MapsShowsPathOffsetDeviceAndInode) {
  ASSERT_TRUE(space->mmap(A, P, PROT_READ | PROT_EXEC, PRIVATE_FIXED, &file, 0).is_ok());
  ASSERT_TRUE(space->mmap(A + P, 2 * P, RW, PRIVATE_FIXED, &file, 2 * P).is_ok());
  const std::string pad(72 - 43, ' ');
  EXPECT_EQ(maps(), "40000000-40001000 r-xp 00000000 00:01 4242 " + pad + " /bin/prog\n" +
                        "40001000-40003000 rw-p 00002000 00:01 4242 " + pad + " /bin/prog\n");
}

}  // namespace
