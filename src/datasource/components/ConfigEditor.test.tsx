import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';

import { testIds } from '../../testIds';
import type { LedgerJsonData, LedgerSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

function settings(overrides: Partial<DataSourceSettings<LedgerJsonData, LedgerSecureJsonData>> = {}) {
  return {
    id: 1,
    uid: 'ledger',
    orgId: 1,
    name: 'Ledger',
    type: 'aicodeteam-ledger-datasource',
    typeName: 'Ledger',
    typeLogoUrl: '',
    access: 'proxy',
    url: 'db:5432',
    user: 'grafana',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: { database: 'ledger' },
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...overrides,
  } as DataSourceSettings<LedgerJsonData, LedgerSecureJsonData>;
}

describe('ConfigEditor', () => {
  it('shows a configured password as configured, never its value', () => {
    render(<ConfigEditor options={settings({ secureJsonFields: { password: true } })} onOptionsChange={jest.fn()} />);
    const password = screen.getByTestId(testIds.configEditor.password);
    expect(password).toHaveValue('configured');
    expect(password).toBeDisabled();
  });

  it('says on the field when a number is out of range', () => {
    render(
      <ConfigEditor
        options={settings({ jsonData: { database: 'ledger', maxOpenConns: 500 } })}
        onOptionsChange={jest.fn()}
      />
    );
    expect(screen.getByText('Enter a whole number from 1 to 200')).toBeInTheDocument();
  });

  it('asks for a missing host once the field was visited', () => {
    render(<ConfigEditor options={settings({ url: '' })} onOptionsChange={jest.fn()} />);
    expect(screen.queryByText(/Host is required/)).not.toBeInTheDocument();
    fireEvent.blur(screen.getByTestId(testIds.configEditor.host));
    expect(screen.getByText(/Host is required/)).toBeInTheDocument();
  });

  it('writes secrets to secureJsonData and numbers as numbers', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(testIds.configEditor.password), { target: { value: 's3cret' } });
    expect(onOptionsChange.mock.calls[0][0].secureJsonData).toEqual({ password: 's3cret' });
    fireEvent.change(screen.getByTestId(testIds.configEditor.rowLimit), { target: { value: '5000' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData.rowLimit).toBe(5000);
  });

  it('hides the certificates when TLS is disabled', () => {
    const { rerender } = render(
      <ConfigEditor
        options={settings({ jsonData: { database: 'ledger', sslmode: 'disable' } })}
        onOptionsChange={jest.fn()}
      />
    );
    expect(screen.queryByTestId(testIds.configEditor.tlsCACert)).not.toBeInTheDocument();
    rerender(
      <ConfigEditor
        options={settings({ jsonData: { database: 'ledger', sslmode: 'verify-full' } })}
        onOptionsChange={jest.fn()}
      />
    );
    expect(screen.getByTestId(testIds.configEditor.tlsCACert)).toBeInTheDocument();
  });
});
