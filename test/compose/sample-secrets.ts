/** Values of the secrets docker-compose.yml requires, as the documented .env command makes them (64 hex digits). */
export const SAMPLE_SECRETS: Record<string, string> = {
  METERING_ADMIN_TOKEN: 'a'.repeat(64),
  POSTGRES_PASSWORD: 'b'.repeat(64),
  GRAFANA_ADMIN_PASSWORD: 'c'.repeat(64),
};
