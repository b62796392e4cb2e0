// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's counters (see struct sipwall_stats): written by the loop's
 * one thread only, logged at exit.
 */
#include "transport.h"

struct sipwall_stats sipwall_stats;
