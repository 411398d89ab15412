import React from 'react';
import { updateDatasourcePluginResetOption, type SelectableValue } from '@grafana/data';
import { Field, RadioButtonGroup, SecretTextArea, Stack, Text } from '@grafana/ui';

import { SETTINGS_DEFAULTS, SSL_MODES, type SecureKey, type SslMode } from '../../../contract/settings';
import { testIds } from '../../../testIds';
import type { ConfigSectionProps } from './configTypes';

const SSL_MODE_OPTIONS: Array<SelectableValue<SslMode>> = SSL_MODES.map((mode) => ({ label: mode, value: mode }));

const SSL_MODE_HELP: Record<SslMode, string> = {
  disable: 'No TLS. Only for a database on the same host or a private network.',
  require: 'Encrypt, without checking the server certificate.',
  'verify-ca': 'Encrypt and check that a trusted CA signed the server certificate.',
  'verify-full': 'Encrypt, check the CA, and check that the certificate names the host.',
};

const CERTIFICATES: Array<{
  key: Extract<SecureKey, 'tlsCACert' | 'tlsClientCert' | 'tlsClientKey'>;
  label: string;
  description: string;
  placeholder: string;
  testId: string;
}> = [
  {
    key: 'tlsCACert',
    label: 'CA certificate',
    description: 'PEM of the CA that signed the server certificate (verify-ca, verify-full). Empty: the system CAs.',
    placeholder: '-----BEGIN CERTIFICATE-----',
    testId: testIds.configEditor.tlsCACert,
  },
  {
    key: 'tlsClientCert',
    label: 'Client certificate',
    description: 'PEM, for servers that authenticate clients by certificate.',
    placeholder: '-----BEGIN CERTIFICATE-----',
    testId: testIds.configEditor.tlsClientCert,
  },
  {
    key: 'tlsClientKey',
    label: 'Client key',
    description: 'PEM private key of the client certificate.',
    placeholder: '-----BEGIN PRIVATE KEY-----',
    testId: testIds.configEditor.tlsClientKey,
  },
];

/** SSL mode and the TLS certificates (kept in secureJsonData, like Grafana's PostgreSQL "file content" method). */
export function TlsSection(props: ConfigSectionProps) {
  const { options, onOptionsChange } = props;
  const sslmode = options.jsonData.sslmode ?? SETTINGS_DEFAULTS.sslmode;
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">TLS</Text>
      <Field label="SSL mode" description={SSL_MODE_HELP[sslmode]}>
        <div data-testid={testIds.configEditor.sslMode}>
          <RadioButtonGroup
            options={SSL_MODE_OPTIONS}
            value={sslmode}
            onChange={(value) => onOptionsChange({ ...options, jsonData: { ...options.jsonData, sslmode: value } })}
          />
        </div>
      </Field>
      {sslmode !== 'disable' &&
        CERTIFICATES.map((certificate) => (
          <Field key={certificate.key} label={certificate.label} description={certificate.description}>
            <SecretTextArea
              data-testid={certificate.testId}
              rows={4}
              cols={60}
              isConfigured={Boolean(options.secureJsonFields?.[certificate.key])}
              value={options.secureJsonData?.[certificate.key] ?? ''}
              placeholder={certificate.placeholder}
              onChange={(event) =>
                onOptionsChange({
                  ...options,
                  secureJsonData: { ...options.secureJsonData, [certificate.key]: event.currentTarget.value },
                })
              }
              onReset={() => updateDatasourcePluginResetOption(props, certificate.key)}
            />
          </Field>
        ))}
    </Stack>
  );
}
