-- authzd schema, part 10: keys the lists sort and filter on, stored once per row.
--  * Azure lists order by the lower-cased server name in byte order and filter on lower-cased
--    names and display names; OneLogin filters on the lower-cased name. Computing lower() per
--    row per request was most of an Azure page's time (bench/run --profile "azure list 50":
--    str_tolower on top, 14 lower() calls on each of a service's servers). Stored generated
--    columns compute it once per write; the index holds the keys, so the count and the
--    page's ordering read them in an index-only scan (EXPLAIN of the generic plan), with
--    no lower() and no heap visit.
--  * Venafi's Enumerate pages a tenant's applications in id order: an index per tenant.

ALTER TABLE servers
    ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED,
    ADD COLUMN resource_key text COLLATE "C" GENERATED ALWAYS AS (lower(resource_name)) STORED;
COMMENT ON COLUMN servers.name_key IS 'lower(name) in byte order: what lists filter and sort on';
COMMENT ON COLUMN servers.resource_key IS 'lower(resource_name) in byte order: the Azure list order';

CREATE INDEX servers_azure_page_idx ON servers (azure_service_id, resource_key, id) INCLUDE (name_key)
    WHERE azure_service_id IS NOT NULL;

CREATE INDEX applications_tenant_page_idx ON applications (tenant_id, id);
