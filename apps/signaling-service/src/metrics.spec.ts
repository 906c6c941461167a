import { createSignalingMetrics } from './metrics';

describe('per-frame counts', () => {
  const series = async (metrics: ReturnType<typeof createSignalingMetrics>, name: string) =>
    (await metrics.registry.getSingleMetricAsString(name))
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');

  it('reach Prometheus at each scrape and keep adding up across scrapes', async () => {
    const metrics = createSignalingMetrics('node-t');
    metrics.framesIn.add('offer');
    metrics.framesIn.add('offer');
    metrics.framesIn.add('ice_candidate');
    expect(await series(metrics, 'signaling_frames_in_total')).toBe(
      [
        'signaling_frames_in_total{type="offer",node="node-t"} 2',
        'signaling_frames_in_total{type="ice_candidate",node="node-t"} 1',
      ].join('\n'),
    );
    metrics.framesIn.add('offer');
    metrics.busMessages.add('out');
    expect(await series(metrics, 'signaling_frames_in_total')).toContain(
      'signaling_frames_in_total{type="offer",node="node-t"} 3',
    );
    expect(await series(metrics, 'signaling_bus_messages_total')).toBe(
      'signaling_bus_messages_total{direction="out",node="node-t"} 1',
    );
  });
});
