import { EventStore1764000000000 } from './1764000000000-event-store';
import { Api1764000100000 } from './1764000100000-api';
import { ReadModels1764000200000 } from './1764000200000-read-models';
import { Monitoring1764000300000 } from './1764000300000-monitoring';
import { ProviderWebhooks1764000400000 } from './1764000400000-provider-webhooks';
import { IdempotencyPerKey1764000600000 } from './1764000600000-idempotency-per-key';
import { DisputeOutcomes1764000700000 } from './1764000700000-dispute-outcomes';
import { AppendFirstWrite1764001300000 } from './1764001300000-append-first-write';
import { AlertRecovery1764001310000 } from './1764001310000-alert-recovery';
import { HorizonGuards1764001320000 } from './1764001320000-horizon-guards';
import { ApiKeyExpiry1764001350000 } from './1764001350000-api-key-expiry';
import { AppRole1764001360000 } from './1764001360000-app-role';
import { DataKeys1764001400000 } from './1764001400000-data-keys';
import { CommandJournal1764002000000 } from './1764002000000-command-journal';
import { AmountCounts1764002200000 } from './1764002200000-amount-counts';
import { VolumeTotals1764002210000 } from './1764002210000-volume-totals';
import { PaymentsAmountCovering1764002220000 } from './1764002220000-payments-amount-covering';
import { VolumeMinutes1764002300000 } from './1764002300000-volume-minutes';
import { PaymentsCaptured1764002400000 } from './1764002400000-payments-captured';
import { WebhookDeliveryIds1764002410000 } from './1764002410000-webhook-delivery-ids';
import { ApiKeyLineage1764002420000 } from './1764002420000-api-key-lineage';
import { FraudVelocity1764003000000 } from './1764003000000-fraud-velocity';
import { Books1764003100000 } from './1764003100000-books';
import { CommandBatches1764003300000 } from './1764003300000-command-batches';
import { Reconciliation1764003400000 } from './1764003400000-reconciliation';
import { ReconciliationUnheld1764003500000 } from './1764003500000-reconciliation-unheld';

/** Every migration, in order. Listed explicitly so tests and the built apps load the same set. */
export const migrations = [
  EventStore1764000000000,
  Api1764000100000,
  ReadModels1764000200000,
  Monitoring1764000300000,
  ProviderWebhooks1764000400000,
  IdempotencyPerKey1764000600000,
  DisputeOutcomes1764000700000,
  AppendFirstWrite1764001300000,
  AlertRecovery1764001310000,
  HorizonGuards1764001320000,
  ApiKeyExpiry1764001350000,
  AppRole1764001360000,
  DataKeys1764001400000,
  CommandJournal1764002000000,
  AmountCounts1764002200000,
  VolumeTotals1764002210000,
  PaymentsAmountCovering1764002220000,
  VolumeMinutes1764002300000,
  PaymentsCaptured1764002400000,
  WebhookDeliveryIds1764002410000,
  ApiKeyLineage1764002420000,
  FraudVelocity1764003000000,
  Books1764003100000,
  CommandBatches1764003300000,
  Reconciliation1764003400000,
  ReconciliationUnheld1764003500000,
];
