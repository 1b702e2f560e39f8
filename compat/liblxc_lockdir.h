/* liblxc makes a directory for the lock files of the containers of each lxcpath (runlxc's
 * --root) and never removes it: one empty directory per --root would pile up under /run. */
#ifndef RUNLXC_LIBLXC_LOCKDIR_H
#define RUNLXC_LIBLXC_LOCKDIR_H

/* Removes liblxc's lock directory for lxcpath root, and its parents below liblxc's own lock
 * directory, where they are empty. The caller makes sure no create in root runs meanwhile. */
void rlx_lxc_lockdir_prune(const char *root);

#endif
