// Public API of @openclaw/config. Everything not exported here is internal.

export { ConfigError } from './errors.ts';
export type { ConfigErrorCode, ConfigErrorOptions } from './errors.ts';

export {
  DEFAULT_GATEWAY_PORT,
  DEV_GATEWAY_PORT,
  expandHome,
  profileEnvironment,
  resolveConfigPath,
  resolvePaths,
  resolveStateDir,
} from './paths.ts';
export type { Env, OpenClawPaths, ProfileSelection } from './paths.ts';

export { formatConfigPath, parseConfigPath, valueAtPath } from './config-path.ts';
export type { ConfigPath } from './config-path.ts';

export { OpenClawConfigSchema, configJsonSchema, schemaKeysAt } from './schema/index.ts';
export type { OpenClawConfig, OpenClawConfigInput } from './schema/index.ts';

export { parseJson5 } from './parse.ts';
export { MAX_INCLUDE_DEPTH, resolveIncludes } from './include.ts';
export { substituteEnv } from './substitute.ts';
export type { EnvReference, SubstitutionResult } from './substitute.ts';
export { configEnvVariables, describeEnvSource, layerEnvironment } from './env.ts';
export type { EnvLayer, EnvSource, LayeredEnv, LayerEnvironmentOptions } from './env.ts';
export { LEGACY_MIGRATIONS, hasLegacyKeys, migrateLegacyConfig } from './migrations.ts';
export type { LegacyMigration, MigrationAction, MigrationChange } from './migrations.ts';
export { suggestKey, validateConfig } from './validate.ts';
export type { ConfigIssue, ValidationResult } from './validate.ts';
export { Provenance } from './provenance.ts';
export type { ValueOrigin } from './provenance.ts';
export { ENV_OVERRIDES, loadConfig, readOptionalText } from './load.ts';
export type { LoadConfigOptions, LoadedConfig, ReadOptionalText } from './load.ts';

export { setValueInText, unsetValueInText } from './edit.ts';
export { setConfigValue, unsetConfigValue } from './update.ts';
export { withConfigLock } from './config-lock.ts';
export type { ConfigLockOptions } from './config-lock.ts';
export type { ConfigUpdate } from './update.ts';
export { CONFIG_BACKUPS, ensurePrivateDir, rotateBackups, writeConfigText, writeFileAtomic } from './write.ts';
export type { AtomicWriteOptions } from './write.ts';
export { REDACTED, isSecretKey, isSecretPath, redactSecrets } from './redact.ts';
