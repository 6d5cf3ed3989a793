#include "kernel/proc/exec.h"

#include "kernel/arch/cpu_features.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/mte.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/lib/placement_new.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/mm_layout.h"
#include "kernel/proc/random.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr uint64_t page_down(uint64_t v) { return v & ~(PAGE_SIZE - 1); }
constexpr uint64_t STACK_EXPAND = 128 * 1024;  // setup_arg_pages' stack_expand
// The initial stack image: strings, auxv, pointers. Two pages hold a program's own arguments
// with room to spare; bigger argument lists are E2BIG here.
constexpr size_t STACK_IMAGE = 2 * PAGE_SIZE;

int prot_of(uint32_t elf_prot) {
  return ((elf_prot & ELF_PROT_READ) ? PROT_READ : 0) |
         ((elf_prot & ELF_PROT_WRITE) ? PROT_WRITE : 0) |
         ((elf_prot & ELF_PROT_EXEC) ? PROT_EXEC : 0) | ((elf_prot & ELF_PROT_BTI) ? PROT_BTI : 0);
}

constexpr int FIXED_ANON = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS;

// The request's argument list, or, without one, {path} kept in `path_only`.
const char* const* exec_argv(const ExecRequest& request, const char*& path_only) {
  path_only = request.path;
  return request.argc != 0 ? request.argv : &path_only;
}

// One PT_LOAD: a private file mapping of its file pages, the cleared tail of the last file page
// of a writable segment, then the anonymous rest of the bss.
Result<void> load_segment(AddressSpace& mm, const ElfSegment& s, const VmFile& file) {
  if (s.map_end > s.map_start) {
    TRY(mm.mmap(s.map_start, s.map_end - s.map_start, prot_of(s.prot), MAP_FIXED | MAP_PRIVATE,
                &file, s.map_offset));
    if (s.zero_end > s.zero_start) TRY(clear_user(mm, s.zero_start, s.zero_end - s.zero_start));
  }
  if (s.anon_end > s.anon_start) {
    TRY(mm.mmap(s.anon_start, s.anon_end - s.anon_start, prot_of(s.anon_prot), FIXED_ANON));
  }
  return {};
}

struct Loaded {
  ElfLayout elf;
  InitialStack stack;
  // What built the stack image, kept to build it again once the vDSO's address is known
  // (stack_request.argv is not valid after plan).
  StackArch stack_arch;
  StackRequest stack_request;
  NewMmLayout mm;
  uint64_t start_brk;
};

// Everything that needs no address space yet: the layout, the bias, the break and the stack
// image in `image` (STACK_IMAGE bytes standing for the top of the stack).
Result<Loaded> plan(const ExecRequest& request, const ElfImage& image, uint8_t* stack_image,
                    const char** reason) {
  Loaded loaded{};
  loaded.mm = new_mm_layout(*request.arch, request.randomize, random_u64);
  uint64_t bias = 0;
  if (image.is_static_pie()) {
    // The first mapping of an empty mm goes top-down right below mmap_base.
    bias = image.static_pie_bias(page_down(loaded.mm.mmap_base - image.total_mapping_size()));
  }
  Result<ElfLayout> elf = image.layout(bias);
  if (elf.is_error()) {
    *reason = "the program's segments do not fit the address space";
    return elf.error();
  }
  loaded.elf = elf.value();
  // load_elf_binary: a gap of one page after the bss unless brk moved, then arch_randomize_brk.
  uint64_t start_brk = loaded.elf.start_brk;
  if (request.randomize && !loaded.elf.brk_moved) start_brk += PAGE_SIZE;
  loaded.start_brk = randomize_brk(start_brk, request.randomize, random_u64);

  const char* path_only = nullptr;
  StackRequest stack{};
  stack.stack_top = loaded.mm.stack_top;
  stack.argv = exec_argv(request, path_only);
  stack.argc = request.argc != 0 ? request.argc : 1;
  stack.envp = request.envp;
  stack.envc = request.envc;
  stack.execfn = request.path;
  random_bytes(stack.random, sizeof(stack.random));
  // arch_align_stack(): up to a page lower, when randomising.
  stack.align_offset = request.randomize ? random_u64() % PAGE_SIZE : 0;
  stack.phdr = loaded.elf.phdr;
  stack.phnum = loaded.elf.phnum;
  stack.entry = loaded.elf.entry;
  // The running processor's names, caches and hwcaps where the arch reports them, and the
  // signal stack size its frames need. AT_SYSINFO_EHDR is only known once the vDSO is in place
  // (populate); a stand-in keeps its entry in the image, which has the same layout whatever the
  // value.
  StackArch& arch = loaded.stack_arch;
  arch = request.arch->stack;
  arch.minsigstksz = arch_signal_frame_min_stack_size();
  const ArchCpuIdentity cpu = arch_cpu_identity();
  if (cpu.hwcap != 0) {
    arch.hwcap = cpu.hwcap;
    arch.hwcap2 = cpu.hwcap2;
  }
  if (cpu.platform != nullptr) arch.platform = cpu.platform;
  if (cpu.base_platform != nullptr) arch.base_platform = cpu.base_platform;
  if (cpu.l1i.size != 0) arch.l1i = CacheLevel{cpu.l1i.size, cpu.l1i.line_size, cpu.l1i.assoc};
  if (cpu.l1d.size != 0) arch.l1d = CacheLevel{cpu.l1d.size, cpu.l1d.line_size, cpu.l1d.assoc};
  arch.vdso_base = request.vdso != nullptr ? PAGE_SIZE : 0;
  loaded.stack_request = stack;
  Result<InitialStack> built = build_initial_stack(arch, stack, stack_image, STACK_IMAGE);
  if (built.is_error()) {
    *reason = "the initial stack does not fit";
    return built.error();
  }
  loaded.stack = built.value();
  return loaded;
}

Result<void> populate(Process& p, const ExecRequest& request, const ElfImage& image, Loaded& loaded,
                      uint8_t* stack_image, const char** reason) {
  AddressSpace& mm = *p.mm;
  for (size_t i = 0; i < image.load_count(); i++) {
    if (Result<void> r = load_segment(mm, image.segment(i, loaded.elf.load_bias), p.executable);
        r.is_error()) {
      *reason = "a segment could not be mapped";
      return r.error();
    }
  }
  // arch_setup_additional_pages, after the segments and before create_elf_tables.
  if (request.vdso != nullptr) {
    Result<uint64_t> vdso = request.vdso->install(mm);
    if (vdso.is_error()) {
      *reason = "the vDSO could not be mapped";
      return vdso.error();
    }
    loaded.stack_arch.vdso_base = vdso.value();
    // The same request as plan's but for argv, which may have pointed at plan's own path_only.
    const char* path_only = nullptr;
    StackRequest again = loaded.stack_request;
    again.argv = exec_argv(request, path_only);
    Result<InitialStack> rebuilt =
        build_initial_stack(loaded.stack_arch, again, stack_image, STACK_IMAGE);
    VERIFY(rebuilt.is_ok() && rebuilt.value().sp == loaded.stack.sp);
  }
  const uint64_t top = loaded.mm.stack_top;
  // setup_arg_pages: 128 KiB more than the pages the argument strings occupy (from arg_start,
  // the lowest of them), whatever create_elf_tables then writes below them within that room.
  const uint64_t stack_start = page_down(loaded.stack.arg_start) - STACK_EXPAND;
  const int stack_prot = PROT_READ | PROT_WRITE | (image.executable_stack() ? PROT_EXEC : 0);
  Result<void> stack =
      mm.mmap(stack_start, top - stack_start, stack_prot, FIXED_ANON | MAP_GROWSDOWN).is_ok()
          ? copy_to_user(mm, loaded.stack.bottom,
                         stack_image + STACK_IMAGE - (top - loaded.stack.bottom),
                         top - loaded.stack.bottom)
          : Result<void>(Error::NoMemory);
  if (stack.is_error()) {
    *reason = "the stack could not be mapped";
    return stack.error();
  }
  return {};
}

}  // namespace

Result<Process*> process_exec(const ExecRequest& request, const char** reason) {
  // The arch's ElfTarget holds the default mmap window as its TASK_SIZE; where the CPU gives
  // programs wider addresses (arm64 with 52-bit user VAs) TASK_SIZE is the wider one.
  ElfTarget target = request.arch->elf;
  target.task_size = arch_user_task_size();
  VERIFY(target.task_size >= request.arch->elf.task_size);
  const ElfImage image = TRY(ElfImage::parse(request.file, request.size, target, reason));

  auto* stack_image = static_cast<uint8_t*>(TRY(kernel_alloc(STACK_IMAGE)));
  Result<Loaded> planned = plan(request, image, stack_image, reason);
  if (planned.is_error()) {
    kernel_free(stack_image, STACK_IMAGE);
    return planned.error();
  }
  Loaded& loaded = planned.value();

  Result<void*> memory = kernel_alloc(sizeof(Process));
  if (memory.is_error()) {
    kernel_free(stack_image, STACK_IMAGE);
    *reason = "no memory for the process";
    return Error::NoMemory;
  }
  Process* p = new (memory.value()) Process{};
  p->pid = request.pid;
  p->parent_pid = request.parent_pid;
  p->arch = request.arch;
  p->abi = image.abi();
  p->out = request.out;
  p->err = request.err;
  for (size_t i = 0; i < RESOURCE_LIMITS; i++) p->limits[i] = INITIAL_RESOURCE_LIMITS[i];
  // Every program the kernel starts is a first process, and Maplet's "init" raises the soft
  // RLIMIT_CORE from Linux's 0 to unlimited so that a core-dumping signal writes a core.
  p->limits[RLIMIT_CORE].current = RLIMIT_INFINITY;
  const FileKind streams[] = {FileKind::Stdin, FileKind::Stdout, FileKind::Stderr};
  // Pipes: stdin the read end (O_RDONLY), stdout and stderr write ends.
  for (size_t i = 0; i < 3; i++) {
    p->files[i].kind = streams[i];
    p->files[i].flags = i == 0 ? 0 : OPEN_WRONLY;
    VERIFY(process_install_file(*p, &p->files[i], 0, false) == static_cast<int>(i));
  }
  p->files[0].input = request.stdin_data;
  p->files[0].size = request.stdin_size;
  // comm: the file name's last component, truncated (__set_task_comm of bprm->filename).
  const char* base = request.path;
  for (const char* c = request.path; *c != '\0'; c++) {
    if (*c == '/') base = c + 1;
  }
  for (size_t i = 0; i + 1 < COMM_LENGTH && base[i] != '\0'; i++) p->comm[i] = base[i];
  format_to_buffer(p->executable_path, sizeof(p->executable_path), "%s", request.path);
  p->executable.path = p->executable_path;
  p->executable.size = request.size;
  p->executable.data = static_cast<const uint8_t*>(request.file);
  p->executable.inode = request.inode;
  // Linux unpacks the initramfs into a tmpfs (rootfs without root=), so its files are shmem.
  p->executable.shmem = true;

  *reason = "no memory for the process";
  Result<void> built = [&]() -> Result<void> {
    p->aspace = TRY(arch_aspace_create());
    AddressSpaceLayout layout{};
    layout.mmap_base = loaded.mm.mmap_base;
    layout.task_size = target.task_size;
    layout.mmap_window = request.arch->elf.task_size;
    layout.unmapped_base = loaded.mm.unmapped_base;
    layout.exec_implies_read = request.arch->exec_implies_read;
    layout.mte = arch_supports_mte();
    layout.bti = arch_supports_bti();
    layout.map_locked = request.arch->map_locked;
    layout.map_noreserve = request.arch->map_noreserve;
    layout.thp = request.arch->transparent_hugepage;
    // totalram_pages(), and no swap.
    layout.commit_limit_pages = physical_pages().total_pages();
    layout.mmap_validates_prot = request.arch->mmap_validates_prot;
    layout.start_brk = loaded.start_brk;
    layout.brk = loaded.start_brk;
    layout.start_stack = loaded.stack.sp;
    const VmaAllocator vmas = TRY(kernel_vma_allocator());
    const VmaTreeAllocator nodes = TRY(kernel_vma_tree_allocator());
    p->mm = new (p->mm_storage)
        AddressSpace(layout, vmas, nodes, arch_aspace_mmu_ops(p->aspace), kernel_page_source());
    arch_aspace_activate(p->aspace);
    Result<void> populated = populate(*p, request, image, loaded, stack_image, reason);
    arch_aspace_activate(nullptr);
    TRY(populated);
    // mm->saved_auxv (as populate rebuilt it, with AT_SYSINFO_EHDR) and the argument strings'
    // range, for a core file.
    const uint8_t* auxv = stack_image + STACK_IMAGE - (loaded.mm.stack_top - loaded.stack.auxv);
    p->auxv_words = 2 * loaded.stack.auxv_pairs;
    for (size_t i = 0; i < p->auxv_words; i++) {
      p->saved_auxv[i] = byte_order::load64(auxv + 8 * i, request.arch->stack.byte_order);
    }
    p->arg_start = loaded.stack.arg_start;
    p->randomized = request.randomize;
    p->arg_end = loaded.stack.arg_end;
    // Every register but the PC and SP starts 0 (arm64's ELF_PLAT_INIT clears x0 and
    // start_thread the rest; powerpc's start_thread clears r1-r31), except that powerpc64
    // starts at the entry with it in r12 (ELFv2) or through its descriptor with the TOC in r2
    // (ELFv1): arch/powerpc/kernel/process.c start_thread.
    // A new program gets its own keys (arm64's pointer authentication).
    if (image.abi() == ElfAbi::Arm64) {
      p->context = TRY(arch_user_context_create(loaded.elf.entry, loaded.stack.sp));
      arch_user_keys_init(p->context, random_u64);
      return {};
    }
    const PpcStartRegisters start = TRY(image.ppc_start_registers(loaded.elf.load_bias));
    p->context = TRY(arch_user_context_create(start.pc, loaded.stack.sp));
    arch_user_keys_init(p->context, random_u64);
    arch_user_set_register(p->context, 2, start.r2);
    arch_user_set_register(p->context, 12, start.r12);
    return {};
  }();
  kernel_free(stack_image, STACK_IMAGE);
  if (built.is_error()) {
    process_exit(*p, ProcessExit{});
    process_destroy(p);
    return built.error();
  }
  return p;
}
