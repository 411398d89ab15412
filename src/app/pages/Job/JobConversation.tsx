import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Badge, Stack, Text, useStyles2, type BadgeColor } from '@grafana/ui';

import type { JobMessage } from '../../../contract/resources';
import { testIds } from '../../../testIds';

const ROLE_COLORS: Record<string, BadgeColor> = {
  user: 'blue',
  assistant: 'purple',
  system: 'darkgrey',
  tool: 'orange',
};

/** The job's conversation messages. */
export function JobConversation({ messages }: { messages: readonly JobMessage[] }) {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid={testIds.job.conversation}>
      <Stack direction="column" gap={1}>
        <Text element="h3">Conversation</Text>
        {messages.length === 0 ? (
          <Text color="secondary">No conversation messages.</Text>
        ) : (
          messages.map((message, index) => (
            <div key={index} className={styles.message} data-testid={testIds.job.message}>
              <Stack direction="row" gap={1} alignItems="center">
                <Badge text={message.role} color={ROLE_COLORS[message.role] ?? 'darkgrey'} />
                <Text variant="bodySmall" color="secondary">
                  {dateTimeFormat(message.at, { format: 'HH:mm:ss' })}
                </Text>
              </Stack>
              <Text element="p">{message.text ?? <Text color="secondary">(no text recorded)</Text>}</Text>
            </div>
          ))
        )}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  message: css({
    padding: theme.spacing(1, 1.5),
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.secondary,
    whiteSpace: 'pre-wrap',
  }),
});
