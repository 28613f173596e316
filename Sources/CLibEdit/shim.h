// The BSD editline library (Debian: libedit-dev). Its native API, not the readline emulation: the shell needs
// client data, named functions bound to keys and per-mode tty flags, which only the native API offers.
#include <stdio.h>
#include <histedit.h>
