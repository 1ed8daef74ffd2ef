/* A debuggee that sends itself SIGUSR1 twice; its handler counts, so the
 * output tells whether the debugger passed the signal on. */
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t got;

static void on_usr1(int signo)
{
	got++;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	for (int i = 0; i < 2; i++) {
		raise(SIGUSR1);
		printf("round %d got %d\n", i, (int)got);
		fflush(stdout);
	}
	return 0;
}
