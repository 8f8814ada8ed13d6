import { AuditTrailEntity } from './audit/audit-trail.entity';
import { ErrorCountEntity } from './errors/error-count.entity';
import { HealthWindowEntity } from './health/health-window.entity';
import { PaymentMetricsEntity } from './metrics/payment-metrics.entity';
import { PaymentEntity } from './payments/payment.entity';
import { CheckpointEntity } from './runner/checkpoint.entity';
import { StatusCountEntity } from './status-breakdown/status-count.entity';
import { VolumeBucketEntity } from './volume/volume-bucket.entity';

export {
  AuditTrailEntity, CheckpointEntity, ErrorCountEntity, HealthWindowEntity, PaymentEntity, PaymentMetricsEntity,
  StatusCountEntity, VolumeBucketEntity,
};

/** For a TypeORM DataSource over the read models (schema is owned by the migration; never synchronize). */
export const READ_MODEL_ENTITIES = [
  PaymentEntity, PaymentMetricsEntity, StatusCountEntity, VolumeBucketEntity, ErrorCountEntity, HealthWindowEntity,
  AuditTrailEntity, CheckpointEntity,
];
