package loadtest

import (
	"time"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// virtualUser sends one request at a time through its session, which keeps one
// connection and, across iterations, each scenario's starting variables (the
// cookie jar starts over each iteration).
type virtualUser struct {
	run *loadRun
	n   int
	se  *runner.Session
	sr  runner.ScenarioResult
	// intended is the open-loop start of the iteration under way, until its first
	// request has been timed from it.
	intended time.Time
	timer    *time.Timer
	err      error
}

func newVirtualUser(run *loadRun, n int) *virtualUser {
	v := &virtualUser{run: run, n: n}
	v.se, v.err = run.target.NewSession(v.onStep, v.halted, run.check)
	return v
}

func (v *virtualUser) loop() {
	if v.err != nil {
		v.run.rec.request(0, 0, false, "setup: "+v.err.Error())
		return
	}
	if v.run.lo.Rate > 0 {
		v.openLoop()
		return
	}
	v.closedLoop()
}

// halted says whether requests may no longer start.
func (v *virtualUser) halted() bool {
	return v.run.ctx.Err() != nil || !time.Now().Before(v.run.end)
}

// openLoop takes the next slot of the schedule, waits for it and runs one
// iteration from it. When every virtual user is busy, slots fall behind and go
// out late, timed from when they were due.
func (v *virtualUser) openLoop() {
	run := v.run
	for {
		i := run.slot.Add(1) - 1
		due := run.start.Add(slotTime(i, run.lo.Rate, run.lo.Ramp))
		if !due.Before(run.end) || !v.sleepUntil(due) {
			return
		}
		now := time.Now()
		if !now.Before(run.end) {
			return // due in time, but nobody was free to send it before the end
		}
		run.sent.Add(1)
		run.rec.lateBy(now.Sub(due))
		v.iteration(run.list[i%int64(len(run.list))], due)
	}
}

// sleepUntil waits for t; false when the run ended first.
func (v *virtualUser) sleepUntil(t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return v.run.ctx.Err() == nil
	}
	if v.timer == nil {
		v.timer = time.NewTimer(d)
	} else {
		v.timer.Reset(d)
	}
	select {
	case <-v.run.ctx.Done():
		v.timer.Stop()
		return false
	case <-v.timer.C:
		return true
	}
}

// closedLoop runs iterations back to back, pausing after one that could not
// reach the target so that a dead target is not hammered.
func (v *virtualUser) closedLoop() {
	run := v.run
	var bo backoff
	for i := v.n; !v.halted(); i++ {
		if run.lo.Iterations > 0 && run.started.Add(1) > run.lo.Iterations {
			return
		}
		status, counted := v.iteration(run.list[i%len(run.list)], time.Time{})
		if !counted || status != runner.StatusError {
			bo.reset()
			continue
		}
		d := bo.next()
		run.rec.backoffs.Add(1)
		started := time.Now()
		v.sleepUntil(started.Add(d))
		run.rec.paused.Add(int64(time.Since(started)))
	}
}

// iteration runs one scenario and tallies it; counted is false when the end of
// the run cut it short, which makes it neither a pass nor a failure.
func (v *virtualUser) iteration(s *scenarios.Scenario, due time.Time) (status runner.Status, counted bool) {
	v.intended = due
	steps := v.sr.Steps[:0]
	clear(v.sr.Steps)
	v.sr = runner.ScenarioResult{Scenario: s, Steps: steps}
	halted := v.se.Run(v.run.ctx, s, &v.sr)
	if v.run.ctx.Err() != nil || halted {
		return v.sr.Status, false
	}
	v.run.rec.iters.Add(1)
	if v.sr.Status != runner.StatusPassed {
		v.run.rec.itersFailed.Add(1)
	}
	return v.sr.Status, true
}

// onStep records each request as it finishes.
func (v *virtualUser) onStep(sr *runner.StepResult) {
	if sr.Kind != scenarios.KindCall && sr.Kind != scenarios.KindRequest {
		return
	}
	if v.run.ctx.Err() != nil {
		// Cut off by the run's end: neither an answer nor the target's fault.
		v.run.rec.unfinished.Add(1)
		return
	}
	var latency time.Duration
	status := 0
	if ex := sr.Exchange; ex != nil {
		status, latency = ex.Status, ex.Duration
		if !v.intended.IsZero() {
			// Timed from when it was due, not from when a virtual user got free.
			latency = ex.Started.Add(ex.Duration).Sub(v.intended)
		}
	}
	v.intended = time.Time{}
	key := ""
	if sr.Status != runner.StatusPassed {
		key = errorKey(sr)
	}
	v.run.rec.request(latency, status, status != 0 || key == "timeout", key)
}
