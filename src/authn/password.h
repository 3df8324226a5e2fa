/* Slow password hashing (Argon2id) for identities: what people type is low in entropy, so
 * unlike our random secrets it needs a deliberately expensive hash. */
#ifndef AUTHZD_PASSWORD_H
#define AUTHZD_PASSWORD_H

#include "core/arena.h"

/* The PHC-encoded Argon2id hash of password (random salt) in the arena; NULL on failure. */
char *password_hash(arena_t *a, const char *password);
/* 1 if password matches encoded. */
int password_verify(const char *encoded, const char *password);
/* Spends the time of one verify on nothing, so an unknown user answers as slowly as a
 * known one with a wrong password. */
void password_burn(const char *password);

#endif
