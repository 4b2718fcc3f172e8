package sigstore

import (
	"context"
	"time"
)

// SetSleep replaces the wait between retries of k, so tests neither sleep
// nor depend on the clock.
func SetSleep(k *Keyless, f func(context.Context, time.Duration) error) { k.sleep = f }
