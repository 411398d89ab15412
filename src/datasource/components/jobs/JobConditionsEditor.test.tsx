import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import type { JobCondition } from '../../../contract/query';
import { testIds } from '../../../testIds';
import { JobConditionsEditor } from './JobConditionsEditor';

const overMinute: JobCondition = { field: 'duration_ms', operator: '>', value: 60_000 };

describe('JobConditionsEditor', () => {
  // jsdom has no canvas; Grafana's Combobox measures its option texts with one.
  beforeAll(() => {
    jest
      .spyOn(HTMLCanvasElement.prototype, 'getContext')
      .mockReturnValue({ measureText: () => ({ width: 10 }), font: '' } as unknown as CanvasRenderingContext2D);
  });

  it('shows each condition with its value and unit', () => {
    render(<JobConditionsEditor conditions={[overMinute]} onChange={jest.fn()} />);
    expect(screen.getAllByTestId(testIds.jobsEditor.conditionRow)).toHaveLength(1);
    expect(screen.getByTestId(testIds.jobsEditor.conditionValue)).toHaveValue(60_000);
    expect(screen.getByText('ms')).toBeInTheDocument();
  });

  it('sends typed numbers without running, and runs on blur', () => {
    const onChange = jest.fn();
    render(<JobConditionsEditor conditions={[overMinute]} onChange={onChange} />);
    const input = screen.getByTestId(testIds.jobsEditor.conditionValue);
    fireEvent.change(input, { target: { value: '90000' } });
    expect(onChange).toHaveBeenLastCalledWith([{ ...overMinute, value: 90_000 }], false);
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith([overMinute], true);
  });

  it('keeps a cleared value out of the query', () => {
    const onChange = jest.fn();
    render(<JobConditionsEditor conditions={[overMinute]} onChange={onChange} />);
    fireEvent.change(screen.getByTestId(testIds.jobsEditor.conditionValue), { target: { value: '' } });
    expect(onChange).not.toHaveBeenCalled();
  });

  it('adds and removes conditions', () => {
    const onChange = jest.fn();
    render(<JobConditionsEditor conditions={[overMinute]} onChange={onChange} />);
    fireEvent.click(screen.getByTestId(testIds.jobsEditor.addCondition));
    expect(onChange).toHaveBeenLastCalledWith([overMinute, { field: 'queue_ms', operator: '>', value: 0 }], true);
    fireEvent.click(screen.getByTestId(testIds.jobsEditor.removeCondition));
    expect(onChange).toHaveBeenLastCalledWith([], true);
  });
});
