/**
 * The storage driver the workflow tests run on: mock (in-process, the default) or, with
 * PROTECTOR_TEST_STORAGE=pure, the pure driver over HTTPS to each site's array REST face (CI runs
 * the suite both ways).
 */
export const TEST_STORAGE: 'mock' | 'pure' = process.env.PROTECTOR_TEST_STORAGE === 'pure' ? 'pure' : 'mock';
