// Chooses where a stack keeps its Terraform state: local for a try-out, PostgreSQL or S3 (Ceph RGW) for the team.
import {
  LocalBackend,
  PgBackend,
  type PgBackendConfig,
  S3Backend,
  type S3BackendConfig,
  type TerraformStack,
} from 'cdktf';
import { BackendConfigError } from './backend-error.ts';

export { BackendConfigError };

export type BackendKind = 'local' | 's3' | 'pg';

/**
 * The folder the local backend keeps its state in, beside the synth output (`terraform.state/` next to
 * `cdktf.out/`): synth and the cdktf CLI replace the output folder wholesale, and state inside it was lost.
 */
export const LOCAL_STATE_DIR = 'terraform.state';

/** A stack's local state file as Terraform reads it, relative to the stack's folder `<out>/stacks/<stack>/`. */
export function localStatePath(stackName: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stackName}.tfstate`;
}

/**
 * Reads INFRA_BACKEND and its settings from the environment. Credentials are never read here:
 * Terraform takes them from PG_CONN_STR or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY itself,
 * so they never reach the synthesized JSON.
 */
export function configureBackend(
  stack: TerraformStack,
  stackName: string,
  env: NodeJS.ProcessEnv,
): BackendKind {
  const kind = env.INFRA_BACKEND ?? 'local';
  switch (kind) {
    case 'local':
      new LocalBackend(stack, { path: localStatePath(stackName) });
      return 'local';
    case 'pg':
      // conn_str is left out on purpose: the pg backend then reads PG_CONN_STR at plan time.
      // One schema per stack keeps states (and their locks) apart in one database.
      new PgBackend(stack, { schemaName: stackName.replaceAll('-', '_') } as PgBackendConfig);
      return 'pg';
    case 's3': {
      const bucket = env.INFRA_S3_BUCKET;
      const endpoint = env.INFRA_S3_ENDPOINT;
      if (!bucket || !endpoint) {
        throw new BackendConfigError(
          'INFRA_BACKEND=s3 needs INFRA_S3_BUCKET and INFRA_S3_ENDPOINT (e.g. https://rgw.example.org)',
        );
      }
      const config = {
        bucket,
        key: `${stackName}/terraform.tfstate`,
        region: env.INFRA_S3_REGION ?? 'default',
        endpoints: { s3: endpoint },
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
        // S3-native locking (Terraform >= 1.10); no DynamoDB on Ceph RGW.
        useLockfile: true,
      };
      new S3Backend(stack, config as S3BackendConfig);
      return 's3';
    }
    default:
      throw new BackendConfigError(`INFRA_BACKEND="${kind}" is not known; expected local, pg or s3`);
  }
}
