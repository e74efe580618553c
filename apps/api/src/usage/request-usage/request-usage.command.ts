/**
 * The old name of {@link RecordUsageCommand}, kept only for the Kafka intake in `kafka-intake/`,
 * which another branch moves out of this folder: that move switches it to `RecordUsageCommand`
 * (from `../record-usage/record-usage.command`) and deletes this file and the folder with it.
 */
export { RecordUsageCommand as RequestUsageCommand } from '../record-usage/record-usage.command';
