// Host stand-ins for the user-mode, page-table and user-copy contracts: host tests have no user
// mode and no MMU, so nothing can be created and every user access faults. The process layer's
// neutral pieces are tested on the host without them; the kernels run the real thing.
#include "kernel/arch/user.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/uaccess.h"

Result<UserContext*> arch_user_context_create(uint64_t, uint64_t) { return Error::NotSupported; }
void arch_user_context_destroy(UserContext*) {}
void arch_user_keys_init(UserContext*, uint64_t (*)()) {}
UserExit arch_user_run(UserContext*) { return UserExit{UserExitKind::Interrupt, {}}; }
void arch_user_slice_end() {}
void arch_user_fault_signalled(UserContext*, const TrapInfo&) {}
uint64_t arch_user_syscall_number(const UserContext*) { return 0; }
uint64_t arch_user_syscall_arg(const UserContext*, unsigned) { return 0; }
void arch_user_set_syscall_result(UserContext*, int64_t) {}
void arch_user_syscall_return(UserContext*) {}
uint64_t arch_user_pc(const UserContext*) { return 0; }
void arch_user_set_pc(UserContext*, uint64_t) {}
uint64_t arch_user_sp(const UserContext*) { return 0; }
void arch_user_set_sp(UserContext*, uint64_t) {}
void arch_user_set_register(UserContext*, unsigned, uint64_t) {}

Result<ArchAddressSpace*> arch_aspace_create() { return Error::NotSupported; }
void arch_aspace_destroy(ArchAddressSpace*) {}
void arch_aspace_activate(ArchAddressSpace*) {}
MmuOps arch_aspace_mmu_ops(ArchAddressSpace*) { return MmuOps{}; }

UserAccess arch_copy_from_user(void*, uint64_t, size_t) { return {0, true}; }
UserAccess arch_copy_to_user(uint64_t, const void*, size_t) { return {0, true}; }
UserAccess arch_clear_user(uint64_t, size_t) { return {0, true}; }
UserAccess arch_strncpy_from_user(char*, uint64_t, size_t) { return {0, true}; }
