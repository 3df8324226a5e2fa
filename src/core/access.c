/* The scope vocabulary of management credentials (OneLogin's names) and Venafi's admin. */
#include "core/access.h"

#include <string.h>

const char *const access_scope_names[] = {
	"Authentication Only", "Read Users", "Manage Users", "Read All", "Manage All", NULL,
};

static const char *const read_all[] = { "Read All", "Manage All", NULL };
static const char *const manage_all[] = { "Manage All", NULL };
static const char *const venafi_admin[] = { "admin", NULL };
static const char *const none[] = { NULL };

int access_scope_known(const char *name)
{
	for (const char *const *s = access_scope_names; *s != NULL; s++)
		if (strcmp(*s, name) == 0)
			return 1;
	return 0;
}

const char *const *access_credential_scopes(enum access access)
{
	switch (access) {
	case ACCESS_READ: return read_all;
	case ACCESS_MANAGE:
	case ACCESS_VENAFI_ADMIN: return manage_all;
	case ACCESS_PUBLIC: break;
	}
	return none;
}

const char *const *access_grant_scopes(enum access access)
{
	return access == ACCESS_VENAFI_ADMIN ? venafi_admin : NULL;
}

size_t access_count(const char *const *list)
{
	size_t n = 0;
	while (list != NULL && list[n] != NULL)
		n++;
	return n;
}
