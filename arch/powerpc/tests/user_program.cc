#include "arch/powerpc/tests/user_program.h"

#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

uint64_t* UserProgram::data() const { return static_cast<uint64_t*>(arch_phys_to_virt(data_page)); }

namespace {

Result<void> set_up(UserProgram* program, UserProgramCode code, VmFlags code_flags,
                    VmFlags data_flags) {
  const uint64_t size = code.end - code.start;
  if (size > PAGE_SIZE) return Error::Invalid;
  program->code_page = TRY(physical_pages().alloc(1));
  program->data_page = TRY(physical_pages().alloc(1));
  klib::mem_set(arch_phys_to_virt(program->code_page), 0, PAGE_SIZE);
  klib::mem_copy(arch_phys_to_virt(program->code_page), code.start, size);
  klib::mem_set(arch_phys_to_virt(program->data_page), 0, PAGE_SIZE);
  program->aspace = TRY(arch_aspace_create());
  program->mmu = arch_aspace_mmu_ops(program->aspace);
  TRY(program->mmu.map(program->mmu.context, USER_CODE, program->code_page, PAGE_SIZE, code_flags));
  TRY(program->mmu.map(program->mmu.context, USER_DATA, program->data_page, PAGE_SIZE, data_flags));
  program->context = TRY(arch_user_context_create(USER_CODE, USER_STACK_TOP));
  arch_aspace_activate(program->aspace);
  return {};
}

}  // namespace

Result<void> user_program_start(UserProgram* program, UserProgramCode code, VmFlags code_flags,
                                VmFlags data_flags) {
  *program = UserProgram{};
  Result<void> result = set_up(program, code, code_flags, data_flags);
  if (result.is_error()) user_program_finish(program);
  return result;
}

void user_program_finish(UserProgram* program) {
  arch_user_slice_end();
  arch_aspace_activate(nullptr);
  if (program->context != nullptr) arch_user_context_destroy(program->context);
  if (program->aspace != nullptr) {
    program->mmu.unmap(program->mmu.context, 0, USER_STACK_TOP);
    arch_aspace_destroy(program->aspace);
  }
  if (program->data_page != 0) physical_pages().free(program->data_page, 1);
  if (program->code_page != 0) physical_pages().free(program->code_page, 1);
  *program = UserProgram{};
}

UserExit user_program_run_past_interrupts(UserContext* context) {
  UserExit exit = arch_user_run(context);
  for (unsigned n = 0; exit.kind == UserExitKind::Interrupt && n < USER_PROGRAM_MAX_RESUMES; n++) {
    exit = arch_user_run(context);
  }
  return exit;
}
