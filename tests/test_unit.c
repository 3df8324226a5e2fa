/* Unit tests: no database, no nginx. */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "suites.h"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite_arena();
	suite_config();
	suite_router();
	suite_server_rules();
	suite_resource_rules();
	suite_onelogin_mapping();
	suite_auth_parsing();
	suite_azure_mapping();
	suite_venafi_scopes();
	suite_jose();
	suite_metrics();
	suite_log();
	return tests_run();
}
