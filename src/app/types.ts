/** The app's settings, stored in its jsonData by the configuration page. */
export interface LedgerAppSettings {
  /** UID of the Ledger datasource the app's pages query; unset means the first Ledger datasource. */
  datasourceUid?: string;
}
