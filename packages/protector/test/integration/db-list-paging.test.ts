// PG and operation lists paged in SQL agree with the in-memory pager page for page, refuse
// markers from elsewhere, and read their default pages from the 0004 indexes: on SQLite, and on
// MariaDB when PROTECTOR_TEST_DB_URL names one (.ci/run's second integration pass).
import { test } from 'node:test';
import { exerciseListPaging } from '../helpers/db-paging.js';
import { testDatabaseUrl } from '../helpers/test-db.js';

test('lists paged in SQL: as the in-memory pager ordered them, by marker, through the indexes', async () => {
  await exerciseListPaging(await testDatabaseUrl());
});
