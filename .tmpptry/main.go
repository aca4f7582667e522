package main
import ("fmt";"planreport/plan")
func main(){
p,err:=plan.ParseText(`测试区法治政府建设行动计划
一、总体要求
（一）完善制度体系
1.完善行政决策制度。（牵头单位：区司法局；责任单位：区财政局、宝山镇；完成时限：2023年）
2.规范执法程序。（牵头单位：区司法局、区财政局；完成时限：长期坚持）
（二）规范执法行为
3.推进执法公示。（牵头单位：宝山镇；责任单位：区司法局；完成时限：2024年3月底前）
4.加强执法监督。（牵头单位：区档案馆；完成时限：2022年）
二、保障措施
5.加强组织领导。（牵头单位：区司法局；完成时限：2023年）
`)
if err!=nil{panic(err)}
fmt.Printf("%q\n",p.Title)
for _,t:=range p.Tasks{fmt.Printf("%q %q %q %q %v %v %+v\n",t.ID,t.Part,t.Section,t.Group,t.Lead,t.Responsible,t.Deadline)}
for _,u:=range p.Units{fmt.Printf("%+v\n",u)}
}
