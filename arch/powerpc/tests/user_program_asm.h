// For the assembly files of the user-mode tests' programs: `program NAME` ... `end_program NAME`
// puts a program between the labels NAME and NAME_end that USER_PROGRAM (user_program.h) finds.
#pragma once

// Assembler macros, which clang-format would rewrite as C.
// clang-format off
.macro program name
  .globl \name, \name\()_end
\name:
.endm
.macro end_program name
\name\()_end:
.endm
