#include "CLineEditShim.h"

int as_el_set_prompt(EditLine *el, as_prompt_fn prompt) { return el_set(el, EL_PROMPT, prompt); }
int as_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
int as_el_set_signal(EditLine *el, int handle) { return el_set(el, EL_SIGNAL, handle); }
int as_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
int as_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }

void *as_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

int as_el_add_function(EditLine *el, const char *name, const char *help, as_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

int as_el_bind(EditLine *el, const char *key, const char *name) { return el_set(el, EL_BIND, key, name, NULL); }
int as_el_setty_edit(EditLine *el, const char *flag) { return el_set(el, EL_SETTY, "-d", flag, NULL); }
int as_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

int as_history_setsize(History *h, int size) { HistEvent ev; return history(h, &ev, H_SETSIZE, size); }
int as_history_setunique(History *h, int unique) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, unique); }
int as_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
int as_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
int as_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
