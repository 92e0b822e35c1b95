// kubectl for the local control plane of `npm run e2e`: upstream's cmd/kubectl main without the
// client-go auth plugins (the e2e authenticates with a client certificate).
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
