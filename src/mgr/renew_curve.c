/*
 * The 7.x renew curve (lifecycle.md §3.2): given sorted points (lifetime N
 * in days -> value), the value for a certificate of lifetime L.
 */
#include "config.h"

#include "mgr/mgr.h"

double
mgr_curve_eval(const double *xs, const double *ys, size_t n, double lifetime)
{
	if (n == 0)
		return 0.0;
	if (lifetime <= xs[0])
		return ys[0];
	if (lifetime >= xs[n - 1])
		/* Past the last point the last ratio is extrapolated. */
		return xs[n - 1] > 0 ? lifetime * ys[n - 1] / xs[n - 1] : ys[n - 1];
	/* Interpolate in every interval, the first included (quirk R1 fixed). */
	for (size_t i = 0; i + 1 < n; i++) {
		if (lifetime >= xs[i] && lifetime < xs[i + 1]) {
			double span = xs[i + 1] - xs[i];

			if (span <= 0)
				return ys[i];
			return ys[i] + (ys[i + 1] - ys[i]) * (lifetime - xs[i]) / span;
		}
	}
	return ys[n - 1];
}
