/* SPDX-License-Identifier: MIT */
/*
 * NPB FT: solve the 3-D diffusion equation  du/dt = alpha del^2 u  by
 * spectral methods: a forward 3-D FFT of a random initial field, then
 * for each time step t a multiplication by exp(-4 alpha pi^2 |k|^2 t) in
 * Fourier space and an inverse 3-D FFT, with a checksum of 1024 points
 * of the result (NAS RNR-91-002, "Kernel FT"; NPB 3.4.1 FT/ft.f,
 * serial layout).  The 1-D FFTs are the Stockham variant of ft.f
 * (cfftz/fftz2, after Swarztrauber), applied to blocks of FFTBLOCK
 * lines (ft_fft.c).
 *
 * Mop/s = 10^-6 N (14.8157 + 7.19641 ln N + (5.23518 + 7.21113 ln N) T)
 * / time, N = nx ny nz, T = iterations (ft.f).
 */
#include "ft.h"

#include <math.h>

#define SEED  314159265.0 /* ft.f: seed */
#define ALPHA 1.0e-6	  /* ft.f: alpha */
#define EPS   1.0e-12	  /* ft.f: epsilon */

/*
 * nx, ny, nz, niter: NPB 3.4.1 sys/setparams.c (write_ft_info).
 * Checksums: NPB 3.4.1 FT/ft.f, verify(), vdata_real_s/vdata_imag_s,
 * ..._w and ..._a.
 */
static const struct ft_class ft_classes[] = {
	{'S',
	 64,
	 64,
	 64,
	 6,
	 {{5.546087004964e+02, 4.845363331978e+02},
	  {5.546385409189e+02, 4.865304269511e+02},
	  {5.546148406171e+02, 4.883910722336e+02},
	  {5.545423607415e+02, 4.901273169046e+02},
	  {5.544255039624e+02, 4.917475857993e+02},
	  {5.542683411902e+02, 4.932597244941e+02}}},
	{'W',
	 128,
	 128,
	 32,
	 6,
	 {{5.673612178944e+02, 5.293246849175e+02},
	  {5.631436885271e+02, 5.282149986629e+02},
	  {5.594024089970e+02, 5.270996558037e+02},
	  {5.560698047020e+02, 5.260027904925e+02},
	  {5.530898991250e+02, 5.249400845633e+02},
	  {5.504159734538e+02, 5.239212247086e+02}}},
	{'A',
	 256,
	 256,
	 128,
	 6,
	 {{5.046735008193e+02, 5.114047905510e+02},
	  {5.059412319734e+02, 5.098809666433e+02},
	  {5.069376896287e+02, 5.098144042213e+02},
	  {5.077892868474e+02, 5.101336130759e+02},
	  {5.085233095391e+02, 5.104914655194e+02},
	  {5.091487099959e+02, 5.107917842803e+02}}},
};

static const struct ft_class *
ft_class(char cls)
{
	for (size_t i = 0; i < sizeof(ft_classes) / sizeof(ft_classes[0]); i++)
		if (ft_classes[i].cls == cls)
			return &ft_classes[i];
	return NULL;
}

int
ft_verify(char cls, const double *sums, int niter)
{
	const struct ft_class *c = ft_class(cls);

	if (!c || niter != c->niter)
		return WL_NO;
	for (int i = 0; i < niter; i++) {
		/* ft.f: abs((sums(i) - csum_ref(i)) / csum_ref(i)) */
		double a = sums[2 * i] - c->sums[i][0];
		double b = sums[2 * i + 1] - c->sums[i][1];
		double cr = c->sums[i][0], ci = c->sums[i][1];
		double d = cr * cr + ci * ci;
		double re = (a * cr + b * ci) / d, im = (b * cr - a * ci) / d;

		if (!(wl_sqrt(re * re + im * im) <= EPS))
			return WL_NO;
	}
	return WL_YES;
}

static size_t
ft_mem(char cls)
{
	const struct ft_class *c = ft_class(cls);
	size_t n, maxdim;

	if (!c)
		return 0;
	n = (size_t)c->nx * c->ny * c->nz;
	maxdim = (size_t)(c->nx > c->ny ? c->nx : c->ny);
	maxdim = maxdim > (size_t)c->nz ? maxdim : (size_t)c->nz;
	return 2 * wl_align(n * sizeof(struct cplx)) +
	       wl_align(n * sizeof(double)) +
	       wl_align(maxdim * sizeof(struct cplx)) +
	       2 * wl_align(maxdim * FFTBLOCKPAD * sizeof(struct cplx)) +
	       wl_align((size_t)c->nz * sizeof(double));
}

/* ft.f compute_indexmap(): exp(-4 alpha pi^2 (i'^2 + j'^2 + k'^2)) */
static void
compute_indexmap(struct ft_state *s)
{
	double ap = -4.0 * ALPHA * FT_PI * FT_PI;
	int nx = s->nx, ny = s->ny, nz = s->nz;

	for (int k = 0; k < nz; k++) {
		int kk = ((k + nz / 2) % nz) - nz / 2;

		for (int j = 0; j < ny; j++) {
			int jj = ((j + ny / 2) % ny) - ny / 2;
			int kj2 = jj * jj + kk * kk;

			for (int i = 0; i < nx; i++) {
				int ii = ((i + nx / 2) % nx) - nx / 2;

				s->twiddle[FTIX(s, k, j, i)] =
					exp(ap * (double)(ii * ii + kj2));
			}
		}
	}
}

/*
 * ft.f compute_initial_conditions(): the field is 2 N consecutive NPB
 * random numbers (real, imaginary) in [k][j][i] order; plane k starts
 * at seed * a^(2 nx ny k).
 */
static void
compute_initial_conditions(struct ft_state *s, struct cplx *u0)
{
	double start = SEED, an = npb_pow46(NPB_A, 2L * s->nx * s->ny);

	/* ft.f first multiplies start by a^0 = 1 */
	s->starts[0] = start;
	for (int k = 1; k < s->nz; k++) {
		(void)randlc(&start, an);
		s->starts[k] = start;
	}
	for (int k = 0; k < s->nz; k++) {
		double x0 = s->starts[k];

		for (int j = 0; j < s->ny; j++)
			vranlc(2L * s->nx, &x0, NPB_A,
			       (double *)(void *)&u0[FTIX(s, k, j, 0)]);
	}
}

/* ft.f evolve(): u0 *= twiddle; u1 = u0 */
static void
evolve(struct ft_state *s)
{
	for (size_t i = 0; i < s->ntotal; i++) {
		s->u0[i].re = s->u0[i].re * s->twiddle[i];
		s->u0[i].im = s->u0[i].im * s->twiddle[i];
		s->u1[i] = s->u0[i];
	}
}

/* ft.f checksum(): the mean of 1024 scattered points of u1 */
static void
checksum(struct ft_state *s, int it)
{
	double re = 0.0, im = 0.0;

	for (int j = 1; j <= 1024; j++) {
		const struct cplx *p = &s->u1[FTIX(s, (5 * j) % s->nz,
						   (3 * j) % s->ny, j % s->nx)];

		re = re + p->re;
		im = im + p->im;
	}
	s->sums[2 * (it - 1)] = re / (double)s->ntotal;
	s->sums[2 * (it - 1) + 1] = im / (double)s->ntotal;
}

static int
ft_alloc(struct ft_state *s, const struct ft_class *c)
{
	s->c = c;
	s->nx = c->nx;
	s->ny = c->ny;
	s->nz = c->nz;
	s->maxdim = c->nx > c->ny ? c->nx : c->ny;
	s->maxdim = s->maxdim > c->nz ? s->maxdim : c->nz;
	s->ntotal = (size_t)c->nx * c->ny * c->nz;
	s->u0 = wl_alloc(s->ntotal * sizeof(struct cplx));
	s->u1 = wl_alloc(s->ntotal * sizeof(struct cplx));
	s->twiddle = wl_alloc(s->ntotal * sizeof(double));
	s->u = wl_alloc((size_t)s->maxdim * sizeof(struct cplx));
	s->y1 = wl_alloc((size_t)s->maxdim * FFTBLOCKPAD * sizeof(struct cplx));
	s->y2 = wl_alloc((size_t)s->maxdim * FFTBLOCKPAD * sizeof(struct cplx));
	s->starts = wl_alloc((size_t)c->nz * sizeof(double));
	if (!s->u0 || !s->u1 || !s->twiddle || !s->u || !s->y1 || !s->y2 ||
	    !s->starts)
		return -1;
	return 0;
}

/* the set-up and forward transform ft.f times along with the steps */
static void
prepare(struct ft_state *s)
{
	compute_indexmap(s);
	compute_initial_conditions(s, s->u1);
	ft_fft_init(s);
	ft_fft(s, 1, s->u1, s->u0);
}

static int
ft_run(char cls)
{
	struct ft_state s;
	double t, n, ln;
	uint64_t t0;
	int ok;

	if (!ft_class(cls))
		return WL_EUSAGE;
	if (ft_alloc(&s, ft_class(cls)) < 0)
		return WL_ENOMEM;
	/* one untimed pass touches every page (ft.f), then restart */
	prepare(&s);

	t0 = wl_now_ns();
	prepare(&s);
	for (int it = 1; it <= s.c->niter; it++) {
		evolve(&s);
		ft_fft(&s, -1, s.u1, s.u1);
		checksum(&s, it);
	}
	ok = ft_verify(cls, s.sums, s.c->niter);
	t = wl_seconds(t0, wl_now_ns());

	n = (double)s.ntotal;
	ln = log(n);
	wl_result("ft", cls, "time", t, "s", ok);
	wl_result("ft", cls, "mops",
		  wl_mops(n * (14.8157 + 7.19641 * ln +
			       (5.23518 + 7.21113 * ln) * s.c->niter),
			  t),
		  "Mop/s", ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_ft = {
	.name = "ft",
	.classes = "SWA",
	.mem_bytes = ft_mem,
	.run = ft_run,
};
