import { formatBudget, formatClock, formatDuration, formatUsd } from '../format';
import type { SessionLimits } from '../protocol/session-messages';
import type { Announcer } from '../status/announcer';

// Money and time for the running conversation: the cost so far and the budget left (from the
// server's `cost.updated`), the time left (counted here from `limits.maxDurationSec`, re-synced
// by the server's `secondsLeft`), and the 80 % budget and one-minute warnings, each announced once.

export interface MeterElements {
  costValue: HTMLElement;
  budgetValue: HTMLElement;
  costBar: HTMLProgressElement;
  costItem: HTMLElement;
  timeValue: HTMLElement;
  timeLimit: HTMLElement;
  timeBar: HTMLProgressElement;
  timeItem: HTMLElement;
  warning: HTMLElement;
}

export interface CostFigures {
  sessionCostUsd: number;
  budgetUsd: number;
  budgetWarning?: boolean;
  secondsLeft?: number;
}

const ONE_MINUTE = 60;

export class SessionMeter {
  private limits?: SessionLimits;
  private deadline = 0;
  private ticker?: ReturnType<typeof setInterval>;
  private budgetWarned = false;
  private timeWarned = false;

  constructor(
    private readonly el: MeterElements,
    private readonly announcer: Announcer,
  ) {}

  /** A conversation started: reset the figures and start the clock. */
  start(limits: SessionLimits): void {
    this.stop();
    this.limits = limits;
    this.budgetWarned = false;
    this.timeWarned = false;
    this.el.warning.hidden = true;
    this.el.warning.replaceChildren();
    this.el.costItem.dataset.level = 'ok';
    this.el.timeItem.dataset.level = 'ok';
    this.el.timeLimit.textContent = `of ${formatDuration(limits.maxDurationSec)}`;
    this.el.timeBar.max = limits.maxDurationSec;
    this.showCost({ sessionCostUsd: 0, budgetUsd: limits.maxCostUsd });
    this.deadline = Date.now() + limits.maxDurationSec * 1000;
    this.tick();
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  update(figures: CostFigures): void {
    if (!this.limits) return;
    this.showCost(figures);
    if (figures.budgetWarning && !this.budgetWarned) {
      this.budgetWarned = true;
      this.el.costItem.dataset.level = 'warning';
      this.warn(`This conversation has used over 80 % of its ${formatBudget(figures.budgetUsd)} budget. DUCK-E will hang up when it runs out.`);
    }
    if (figures.secondsLeft !== undefined) {
      this.deadline = Date.now() + figures.secondsLeft * 1000;
      this.tick();
    }
  }

  /**
   * The conversation is over: the clock stops, the last figures stay readable. `timeUp`: the
   * server ended it on the time limit (its clock started a moment before ours), so show 0:00.
   */
  stop(options: { timeUp?: boolean } = {}): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (options.timeUp && this.limits) {
      this.deadline = Date.now();
      this.el.timeValue.textContent = formatClock(0);
      this.el.timeBar.value = this.limits.maxDurationSec;
    }
  }

  private showCost(figures: CostFigures): void {
    const left = Math.max(0, figures.budgetUsd - figures.sessionCostUsd);
    this.el.costValue.textContent = formatUsd(figures.sessionCostUsd);
    this.el.budgetValue.textContent = `${formatUsd(left)} of ${formatBudget(figures.budgetUsd)} budget left`;
    this.el.costBar.max = figures.budgetUsd > 0 ? figures.budgetUsd : 1;
    this.el.costBar.value = Math.min(figures.sessionCostUsd, this.el.costBar.max);
    if (left === 0) this.el.costItem.dataset.level = 'over';
  }

  private tick(): void {
    if (!this.limits) return;
    const left = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));
    this.el.timeValue.textContent = formatClock(left);
    this.el.timeBar.value = this.limits.maxDurationSec - Math.min(left, this.limits.maxDurationSec); // time used
    if (left <= ONE_MINUTE && !this.timeWarned) {
      this.timeWarned = true;
      this.el.timeItem.dataset.level = 'warning';
      this.warn('About one minute left in this conversation. DUCK-E will hang up when the time is up.');
    }
    if (left === 0) this.stop();
  }

  private warn(text: string): void {
    const line = document.createElement('span');
    line.textContent = text;
    this.el.warning.append(line);
    this.el.warning.hidden = false;
    this.announcer.polite(text);
  }
}
