/**
 * The container engine, docker or podman, behind one small API: detect it (`engine-detect.ts`), build the
 * project's image (`engine-build.ts`), inspect and remove images (`engine-inspect.ts`), run a container of
 * it and stop it the way ECS does (`engine-run.ts`). The container test and the local rehearsal
 * (`rehearse local --container`) both use it.
 */
export * from './engine-detect';
export * from './engine-build';
export * from './engine-inspect';
export * from './engine-run';
