/* A debuggee that runs until it is killed, printing a heartbeat. */
#include <stdio.h>
#include <unistd.h>

int beats;

int main(void)
{
	for (;;) {
		beats++;
		printf("beat %d\n", beats);
		fflush(stdout);
		usleep(20000);
	}
}
