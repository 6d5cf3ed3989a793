// Register numbers and bits of the 64-bit Power ISA used by the boot and trap code. Plain macros
// so the assembly files share them; C++ code wraps the ones it needs in typed accessors.
#pragma once

// Special-purpose register numbers (Power ISA v3.0B Book III, the SPR table
// of "Move To/From System Register Instructions").
#define SPRN_DSCR 17  // data stream control (prefetch hints); problem state has SPR 3 for it
#define SPRN_DSISR 18
#define SPRN_DAR 19
#define SPRN_DEC 22
#define SPRN_SRR0 26
#define SPRN_SRR1 27
#define SPRN_CFAR 28   // come-from address: the last taken branch's, or rfid's, address
#define SPRN_AMR 29    // authority mask: per key, privileged stores (bit 2k) and loads (2k + 1) off
#define SPRN_PIDR 48   // process ID: selects the process-table entry for quadrant 0
#define SPRN_FSCR 153  // facility status and control: the facilities problem state may use
#define SPRN_VRSAVE 256  // a 32-bit word for the program's own use (Book I, "VR Save Register")
#define SPRN_TBRL 268    // mftb: the 64-bit time base (Book II, "Time Base")
#define SPRN_SPRG0 272
#define SPRN_SPRG1 273
#define SPRN_SPRG2 274
#define SPRN_SPRG3 275
#define SPRN_TAR 815  // target address: a branch target of the program's own (Book I, bctar)
#define SPRN_PPR 896  // program priority: PRI [11:13] (Book II, "Program Priority Registers")

// FSCR facility enables, LSB-0 (Book III, "Facility Status and Control Register"): prefixed
// instructions (ISA 3.1), scv (ISA 3.0), TAR and DSCR (SPR 3) in problem state.
#define FSCR_PREFIX 0x2000
#define FSCR_SCV 0x1000
#define FSCR_TAR 0x100
#define FSCR_DSCR 0x4

// MSR bits, LSB-0 numbering (Book III, "Machine State Register"). SF is bit 0 in the manual's
// MSB-0 numbering: 64-bit mode.
#define MSR_SF_SHIFT 63
#define MSR_VEC 0x02000000  // VMX (vector) instructions available
#define MSR_VSX 0x00800000  // VSX instructions available
#define MSR_EE 0x8000       // external and decrementer interrupts enabled
#define MSR_PR 0x4000       // problem (user) state
#define MSR_FP 0x2000       // floating-point instructions available
#define MSR_ME 0x1000       // machine checks enabled (a machine check with ME=0 stops the machine)
#define MSR_IR 0x0020
#define MSR_DR 0x0010
#define MSR_RI 0x0002  // interrupt state recoverable
#define MSR_LE 0x0001  // little-endian mode: the byte order of the kernel (or program) running

// AMR with key 0's stores and loads disabled: the kernel's data accesses with MSR.DR on reach no
// problem-state page (radix KUAP: Book III, "Authority Mask Register"; Linux's AMR_KUAP_BLOCKED).
// Assembly loads it with the load_kuap_blocked macro of asm.h.
#define AMR_KUAP_BLOCKED 0xc000000000000000

// The largest positive decrementer value: reloading it silences the decrementer for ~4 s of
// 512 MHz timebase (Book III, "Decrementer").
#define DEC_MAX 0x7fffffff

// The first and one-past-last interrupt vector addresses that are filled (Book III, "Interrupt
// Definitions").
#define VECTORS_START 0x100
#define VECTORS_END 0x1000
#define VECTOR_SLOT 0x20  // the smallest vector spacing (0xf00, 0xf20, ...): 8 instructions

// scv LEV with AIL = 0 (the kernel never sets AIL) enters in real mode at 0x17000 + 0x20 * LEV,
// LEV 0-127 (Book III, "System Call Vectored Interrupt" and "Interrupt Vectors"). The area also
// holds the entries' common code, after the last level's slot.
#define SCV_VECTORS_START 0x17000
#define SCV_LEVELS 128
#define SCV_VECTORS_AREA 0x2000
// The vector numbers the scv entry records, as Linux's pt_regs.trap: scv 0, and any other level
// (arch/powerpc/kernel/exceptions-64s.S, interrupt_64.S system_call_vectored).
#define TRAP_SCV 0x3000
#define TRAP_SCV_UNSUPPORTED 0x7ff0

// PAPR hypervisor calls made with `sc 1` (LoPAPR, "Hypervisor Interface").
#define H_PUT_TERM_CHAR 0x58
// QEMU/KVM private hcall: runs one RTAS call without instantiating RTAS in guest memory.
#define KVMPPC_H_RTAS 0xf000
// QEMU's fixed RTAS token of ibm,os-term (hw/ppc/spapr.h: RTAS_TOKEN_BASE 0x2000 + its index),
// for the stops that run before the device tree is read or cannot trust it.
#define QEMU_OS_TERM_TOKEN 0x201f
