/** The CLI's exit codes (README "Exit codes"); no imports, so flag parsing loads nothing more. */

/** a mistake in the input or invocation */
export const USER_ERROR_EXIT = 2
/** sysexits.h EX_SOFTWARE: an internal software error, a bug in dataperf */
export const BUG_EXIT = 70
