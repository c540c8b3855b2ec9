import { IN_FLIGHT_GRACE_MS, MeteringLoss, MeteringTripwire } from './metering-tripwire';

const done = (id: string, input = 100, output = 50) => ({ id, status: 'completed', usage: { input_tokens: input, output_tokens: output } });
const report = (responses: number, inputTokens = responses * 100, outputTokens = responses * 50) => ({ responses, inputTokens, outputTokens });

describe('MeteringTripwire', () => {
  let losses: MeteringLoss[];
  let tripwire: MeteringTripwire;

  beforeEach(() => {
    jest.useFakeTimers();
    losses = [];
    tripwire = new MeteringTripwire((loss) => losses.push(loss));
  });
  afterEach(() => jest.useRealTimers());

  it('stays quiet while the sideband metered everything the page saw', () => {
    tripwire.sidebandResponseDone(done('resp_1'));
    tripwire.sidebandResponseDone(done('resp_2'));
    tripwire.browserReport(report(2));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS * 3);
    tripwire.close();
    expect(losses).toEqual([]);
  });

  it('gives a response the page saw first the in-flight grace to reach the sideband', () => {
    tripwire.browserReport(report(1));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS - 1);
    tripwire.sidebandResponseDone(done('resp_1'));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS * 2);
    expect(losses).toEqual([]);
  });

  it('trips once, after the grace, when the sideband never gets what the page saw', () => {
    tripwire.sidebandResponseDone(done('resp_1'));
    tripwire.browserReport(report(3));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS - 1);
    expect(losses).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(losses).toEqual([{ missing: 2, browser: report(3), sideband: { responses: 1, inputTokens: 100, outputTokens: 50 } }]);
    tripwire.browserReport(report(9));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS * 2);
    tripwire.close();
    expect(losses).toHaveLength(1);
  });

  it('counts a response delivered twice (a re-attached sideband) once', () => {
    tripwire.sidebandResponseDone(done('resp_1'));
    tripwire.sidebandResponseDone(done('resp_1'));
    tripwire.browserReport(report(2));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS);
    expect(losses).toMatchObject([{ missing: 1, sideband: { responses: 1 } }]);
  });

  it('keeps the largest report: an older, smaller one cannot hide a shortfall', () => {
    tripwire.browserReport(report(2));
    tripwire.browserReport(report(0));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS);
    expect(losses).toMatchObject([{ missing: 2 }]);
  });

  it('reports a shortfall still open when the call ends, without waiting for the grace', () => {
    tripwire.browserReport(report(1));
    tripwire.close();
    expect(losses).toMatchObject([{ missing: 1 }]);
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS * 2);
    expect(losses).toHaveLength(1);
  });

  it('ignores reports after the end', () => {
    tripwire.close();
    tripwire.browserReport(report(5));
    jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS * 2);
    expect(losses).toEqual([]);
  });
});
