// The processor check's message (cpu_check.S), and the little-endian kernel's check that comes
// before it: whether the processor has a little-endian mode at all. Assembly-only.
//
// QEMU's 970 and POWER5+ have none: the rfid of enter_kernel_byte_order (asm.h) leaves MSR.LE
// clear, the processor goes on big-endian, and the next little-endian instruction is
// undecodable, with cpu_check.S never reached. So boot.S follows the switch with
// stop_unless_little_endian, whose first word both byte orders decode: big-endian, a branch into
// a stop written as big-endian words (be_word); little-endian, a trap that never traps, then a
// branch past the stop. The stop does what cpu_check.S does with nothing but its own words: the
// message through H_PUT_TERM_CHAR, then ibm,os-term through KVMPPC_H_RTAS with QEMU's fixed
// token, its argument cells among those words (real mode: the image is plain writable memory).
// It runs in the firmware's 32-bit mode, addressing its data relative to r30. The encodings are
// the Power ISA's D-form, DS-form and I-form fields; a big-endian kernel has nothing to check.
#pragma once

#ifndef __ASSEMBLY__
#error "arch/powerpc/little_endian_check.h is for assembly files"
#endif

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"

#define CPU_CHECK_TEXT "Maplet needs POWER9 or newer (radix MMU)"

// clang-format off

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
// D-form and DS-form (a DS displacement's low two bits are 0): op, RT (RS), RA, displacement.
.macro be_dform op, rt, ra, d
  be_word ((\op) << 26) | ((\rt) << 21) | ((\ra) << 16) | ((\d) & 0xffff)
.endm

// `length` (at most 16) bytes at r30 + disp to the console: H_PUT_TERM_CHAR(unit 0, length,
// r6, r7), the 16 bytes loaded whole.
.macro be_put_term_chars disp, length
  be_dform 14, 3, 0, H_PUT_TERM_CHAR  // li r3, H_PUT_TERM_CHAR
  be_dform 14, 4, 0, 0                // li r4, 0
  be_dform 14, 5, 0, \length          // li r5, length
  be_dform 58, 6, 30, \disp           // ld r6, disp(r30)
  be_dform 58, 7, 30, (\disp) + 8     // ld r7, disp + 8(r30)
  be_word 0x44000022                  // sc 1
.endm

.macro stop_unless_little_endian
  .byte 0x48, 0x00, 0x00, 0x08  // big-endian b .+8; little-endian tdi 0, 0, 0x48 (TO 0: never)
  b .Lle_check_done\@
  be_word 0x429f0005            // bcl 20, 31, .+4
.Lle_check_anchor\@:
  be_word 0x7fc802a6            // mflr r30: r30 = .Lle_check_anchor
  be_put_term_chars .Lle_check_text\@ - .Lle_check_anchor\@, 16
  be_put_term_chars .Lle_check_text\@ - .Lle_check_anchor\@ + 16, 16
  be_put_term_chars .Lle_check_text\@ - .Lle_check_anchor\@ + 32, \
    .Lle_check_text_end\@ - .Lle_check_text\@ - 32
  // RTAS cells {token, nargs 1, nret 1, the message's address, status}.
  be_dform 14, 5, 0, QEMU_OS_TERM_TOKEN                             // li r5, token
  be_dform 36, 5, 30, .Lle_check_args\@ - .Lle_check_anchor\@       // stw r5, token cell
  be_dform 14, 5, 0, 1                                              // li r5, 1
  be_dform 36, 5, 30, .Lle_check_args\@ - .Lle_check_anchor\@ + 4   // stw r5, nargs cell
  be_dform 36, 5, 30, .Lle_check_args\@ - .Lle_check_anchor\@ + 8   // stw r5, nret cell
  be_dform 14, 5, 30, .Lle_check_term\@ - .Lle_check_anchor\@       // addi r5, r30, message
  be_dform 36, 5, 30, .Lle_check_args\@ - .Lle_check_anchor\@ + 12  // stw r5, argument cell
  be_dform 14, 4, 30, .Lle_check_args\@ - .Lle_check_anchor\@       // addi r4, r30, cells
  be_dform 14, 3, 0, 0                                              // li r3, 0
  be_dform 24, 3, 3, KVMPPC_H_RTAS                                  // ori r3, r3, KVMPPC_H_RTAS
  be_word 0x44000022                                                // sc 1
  be_word 0x48000000                                                // b .
  // The data, word aligned as the words before it are, with no alignment padding between it and
  // the anchor: the displacements above are then constants the assembler can encode.
.Lle_check_args\@:
  .space 4 * 5
.Lle_check_text\@:
  .ascii "\n~log ", CPU_CHECK_TEXT, "\n"
.Lle_check_text_end\@:
  .if .Lle_check_text_end\@ - .Lle_check_text\@ <= 32 || .Lle_check_text_end\@ - .Lle_check_text\@ > 48
  .error "the message must take three H_PUT_TERM_CHAR calls"
  .endif
  .space 48 - (.Lle_check_text_end\@ - .Lle_check_text\@)  // the last ld reads 16 bytes
.Lle_check_term\@:
  .ascii CPU_CHECK_TEXT, ": verdict FAIL\0"
  .balign 4
.Lle_check_done\@:
.endm
#else
.macro stop_unless_little_endian
.endm
#endif
