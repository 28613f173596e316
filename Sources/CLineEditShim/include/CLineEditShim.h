// Non-variadic wrappers for the variadic `el_set` and `history` calls of libedit, which Swift cannot call.
#ifndef CLINEEDITSHIM_H
#define CLINEEDITSHIM_H

#include <stdio.h>
#include <histedit.h>

typedef char *(*as_prompt_fn)(EditLine *);
typedef unsigned char (*as_key_fn)(EditLine *, int);

int as_el_set_prompt(EditLine *el, as_prompt_fn prompt);
int as_el_set_editor(EditLine *el, const char *mode);
int as_el_set_signal(EditLine *el, int handle);
int as_el_set_history(EditLine *el, History *h);
int as_el_set_clientdata(EditLine *el, void *data);
void *as_el_get_clientdata(EditLine *el);
/// Binds `key` (e.g. "^I") to a function registered under `name`.
int as_el_add_function(EditLine *el, const char *name, const char *help, as_key_fn fn);
int as_el_bind(EditLine *el, const char *key, const char *name);
/// Changes a tty flag of edit mode, e.g. "-isig" so that Ctrl-C arrives as a key instead of a signal.
int as_el_setty_edit(EditLine *el, const char *flag);
int as_el_refresh(EditLine *el);

int as_history_setsize(History *h, int size);
int as_history_setunique(History *h, int unique);
int as_history_enter(History *h, const char *line);
int as_history_load(History *h, const char *path);
int as_history_save(History *h, const char *path);

#endif
